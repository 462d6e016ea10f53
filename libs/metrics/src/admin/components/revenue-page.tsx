import React, { useMemo, useState } from 'react';
import { Box, H2 } from '@adminjs/design-system';
import ConventionsCompareTable from './conventions-compare-table';
import MovementCustomers, { movementFilterFromUrl } from './movement-customers';
import RevenueConventionsCard from './revenue-conventions-card';
import RevenueCsvUpload from './revenue-csv-upload';
import RevenueCustomerList from './revenue-customer-list';
import ThemeToggle from './theme-toggle';

/**
 * The revenue page: the customers behind a waterfall bar when a link brought the reader here, the conventions and
 * what each would say, the customers, and the CSV import.
 */
export default function RevenuePage() {
  const [changes, setChanges] = useState(0);
  const changed = () => setChanges((count) => count + 1);
  const movement = useMemo(() => movementFilterFromUrl(window.location.search), []);
  return (
    <Box p={['default', 'xl']} className="em-root" data-testid="revenue-page">
      <Box flex flexDirection="row" justifyContent="space-between" alignItems="center" flexWrap="wrap">
        <H2>Revenue</H2>
        <ThemeToggle />
      </Box>
      {movement && <MovementCustomers filter={movement} />}
      <RevenueConventionsCard onSaved={changed} />
      <ConventionsCompareTable />
      <RevenueCustomerList refreshKey={changes} />
      <RevenueCsvUpload onStored={changed} />
    </Box>
  );
}
