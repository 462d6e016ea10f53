import React, { useEffect, useState } from 'react';
import { Box, Button, H4, MessageBox, Text } from '@adminjs/design-system';
import type { MovementCustomer } from '../../billing/revenue-movements';
import { apiGet } from './api';
import { formatValue } from './format';

export interface MovementFilter {
  movement: string;
  start: string;
  end: string;
  tenant: string | null;
}

const LABELS: Record<string, string> = {
  new: 'New MRR',
  expansion: 'Expansion MRR',
  reactivation: 'Reactivation MRR',
  contraction: 'Contraction MRR',
  churn: 'Churned MRR',
};
const PAGE = 25;

interface MovementPage {
  total: number;
  total_amount: number;
  customers: MovementCustomer[];
}
const cell: React.CSSProperties = {
  padding: '8px 12px',
  borderBottom: '1px solid var(--em-grid)',
  whiteSpace: 'nowrap',
};

/** The filter a waterfall bar's link put in the page's address (?movement=&start=&end=[&tenant=]), if any. */
export function movementFilterFromUrl(search: string): MovementFilter | null {
  const params = new URLSearchParams(search);
  const movement = params.get('movement');
  const start = params.get('start');
  const end = params.get('end');
  if (!movement || !start || !end) return null;
  return { movement, start, end, tenant: params.get('tenant') };
}

/** The customers behind one bar of the dashboard's MRR waterfall (GET revenue/movements), largest amount first. */
export default function MovementCustomers({ filter }: { filter: MovementFilter }) {
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<MovementPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    apiGet<MovementPage>('revenue/movements', { ...filter, limit: PAGE, offset }).then(
      (answer) => {
        setPage(answer);
        setError(null);
      },
      (failure: Error) => setError(failure.message),
    );
  }, [filter.movement, filter.start, filter.end, filter.tenant, offset]);

  const title = `${LABELS[filter.movement] ?? filter.movement}, ${filter.start} → ${filter.end}${filter.tenant ? `, ${filter.tenant}` : ''}`;
  return (
    <Box
      className="em-card"
      p="xl"
      mb="lg"
      style={{ borderRadius: 8 }}
      id="movement-customers"
      data-testid="movement-customers"
    >
      <H4>Customers: {title}</H4>
      {error && <MessageBox variant="danger" message={error} />}
      {page && (
        <>
          <Text className="em-muted" mb="default" data-testid="movement-total" data-value={page.total_amount}>
            {page.total} customers · {formatValue(page.total_amount, 'currency')} in all (the waterfall&apos;s bar)
          </Text>
          <Box style={{ overflowX: 'auto' }}>
            <table style={{ borderCollapse: 'collapse', width: '100%', fontSize: 14 }} data-testid="movement-table">
              <thead>
                <tr>
                  {['Customer', 'Tenant', 'Amount', 'Days', 'First', 'Last'].map((label) => (
                    <th key={label} scope="col" style={{ ...cell, textAlign: label === 'Amount' ? 'right' : 'left' }}>
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.customers.map((row) => (
                  <tr key={row.customer} data-testid={`movement-row-${row.customer}`} data-amount={row.amount}>
                    <td style={cell}>{row.name ? `${row.name} (${row.customer})` : row.customer}</td>
                    <td style={cell}>{row.tenant ?? '—'}</td>
                    <td style={{ ...cell, textAlign: 'right' }}>{formatValue(row.amount, 'currency')}</td>
                    <td style={cell}>{row.days}</td>
                    <td style={cell}>{row.first_day}</td>
                    <td style={cell}>{row.last_day}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Box>
          {page.total > PAGE && (
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
                disabled={offset + PAGE >= page.total}
                onClick={() => setOffset(offset + PAGE)}
              >
                Next
              </Button>
            </Box>
          )}
        </>
      )}
    </Box>
  );
}
