import React, { useState } from 'react';
import { Box, H2 } from '@adminjs/design-system';
import ConventionsCompareTable from './conventions-compare-table';
import RevenueConventionsCard from './revenue-conventions-card';
import RevenueCsvUpload from './revenue-csv-upload';
import RevenueCustomerList from './revenue-customer-list';

/** The revenue page: the conventions and what each would say, the customers, and the CSV import. */
export default function RevenuePage() {
  const [changes, setChanges] = useState(0);
  const changed = () => setChanges((count) => count + 1);
  return (
    <Box p="xl" data-testid="revenue-page">
      <H2>Revenue</H2>
      <RevenueConventionsCard onSaved={changed} />
      <ConventionsCompareTable />
      <RevenueCustomerList refreshKey={changes} />
      <RevenueCsvUpload onStored={changed} />
    </Box>
  );
}
