import React, { useEffect, useState } from 'react';
import {
  Box,
  Button,
  H4,
  MessageBox,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
} from '@adminjs/design-system';
import type { RevenueCustomer } from '../../billing/revenue-customers';
import { apiGet } from './api';
import { formatValue } from './format';

const PAGE = 25;
const SORTS = [
  ['mrr', 'MRR'],
  ['customer', 'Customer'],
  ['first_paid', 'First paid'],
  ['last_movement', 'Last movement'],
] as const;

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

/**
 * GET revenue/customers as a sortable, paged table (ChartMogul's customer view); on a phone each customer is a card of
 * labelled values (`.em-stack` in theme.ts), so the page never scrolls sideways.
 */
export default function RevenueCustomerList({ tenant, refreshKey }: { tenant?: string | null; refreshKey?: number }) {
  const [sort, setSort] = useState<(typeof SORTS)[number][0]>('mrr');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ total: number; customers: RevenueCustomer[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    apiGet<{ total: number; customers: RevenueCustomer[] }>('revenue/customers', {
      sort,
      offset,
      limit: PAGE,
      tenant: tenant ?? null,
    }).then(setPage, (failure: Error) => setError(failure.message));
  }, [sort, offset, tenant, refreshKey]);

  return (
    <Box className="em-card" p="xl" mb="lg" style={{ borderRadius: 8 }} data-testid="revenue-customers">
      <H4>Customers</H4>
      {error && <MessageBox variant="danger" message={error} />}
      {page && (
        <>
          <Text color="grey60" mb="default">
            {page.total} customers · sorted by {SORTS.find(([key]) => key === sort)![1]}
          </Text>
          <Table data-testid="customers-table" className="em-stack">
            <TableHead>
              <TableRow>
                {SORTS.map(([key, label]) => (
                  <TableCell
                    key={key}
                    onClick={() => {
                      setSort(key);
                      setOffset(0);
                    }}
                    style={{ cursor: 'pointer' }}
                    data-sort={key}
                    data-testid={`customers-sort-${key}`}
                  >
                    {label}
                  </TableCell>
                ))}
                <TableCell>Tenant</TableCell>
                <TableCell>Plans</TableCell>
                <TableCell>Status</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {page.customers.map((customer) => (
                <TableRow key={customer.customer} data-testid="customer-row">
                  <TableCell data-label="MRR">{formatValue(customer.mrr, 'currency')}</TableCell>
                  <TableCell data-label="Customer">
                    {customer.name ? `${customer.name} (${customer.customer})` : customer.customer}
                  </TableCell>
                  <TableCell data-label="First paid">{day(customer.first_paid)}</TableCell>
                  <TableCell data-label="Last movement">{day(customer.last_movement)}</TableCell>
                  <TableCell data-label="Tenant">{customer.tenant ?? '—'}</TableCell>
                  <TableCell data-label="Plans">{customer.plans.join(', ') || '—'}</TableCell>
                  <TableCell data-label="Status">{customer.status.replace('_', ' ')}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Box flex flexDirection="row" style={{ gap: 8 }} mt="lg">
            <Button
              type="button"
              size="sm"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Previous
            </Button>
            <Button
              type="button"
              size="sm"
              data-testid="customers-next"
              disabled={offset + PAGE >= page.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Next
            </Button>
          </Box>
        </>
      )}
    </Box>
  );
}
