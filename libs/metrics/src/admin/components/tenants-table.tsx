import React, { useEffect, useState } from 'react';
import { Box, Button, H4, MessageBox, Text } from '@adminjs/design-system';
import type { RankedTenant, TenantRanking, TenantRankingSort } from '../../read/tenant-ranking.dto';
import { apiGet } from './api';
import { formatValue } from './format';
import Sparkline from './sparkline';

const PAGE = 10;
const COLUMNS: { sort: TenantRankingSort; label: string }[] = [
  { sort: 'mrr', label: 'MRR' },
  { sort: 'active_users', label: 'Active users' },
  { sort: 'growth', label: 'MRR growth' },
];

interface Props {
  start: string;
  end: string;
  currency: string;
  /** Opens that tenant's dashboard (the tenant filter). */
  onOpen: (tenant: string) => void;
}

const cell: React.CSSProperties = {
  padding: '8px 12px',
  borderBottom: '1px solid var(--em-grid)',
  whiteSpace: 'nowrap',
};

function growth(value: number | null) {
  if (value === null) return <span style={{ color: 'var(--em-muted)' }}>—</span>;
  const color = value > 0 ? 'var(--em-gain-text)' : value < 0 ? 'var(--em-loss-text)' : undefined;
  return (
    <span
      style={{ color }}
    >{`${value > 0 ? '▲' : value < 0 ? '▼' : ''}${formatValue(Math.abs(value), 'percent')}`}</span>
  );
}

/**
 * The drill-down of the global view (issue 15): tenants ranked by MRR, active users (MAU at the range's end) or
 * MRR growth over the range, from GET tenants/ranking; a row opens that tenant's dashboard. On a phone each row
 * becomes a card (rank, name and trend, then the three numbers under their labels) so nothing scrolls sideways:
 * the `.em-tenants` rules in theme.ts.
 */
export default function TenantsTable({ start, end, currency, onOpen }: Props) {
  const [sort, setSort] = useState<TenantRankingSort>('mrr');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<TenantRanking | null>(null);
  const [loadedFor, setLoadedFor] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => setOffset(0), [start, end]);
  useEffect(() => {
    let current = true;
    apiGet<TenantRanking>('tenants/ranking', { start, end, sort, limit: PAGE, offset }).then(
      (answer) => {
        if (!current) return;
        setPage(answer);
        setLoadedFor(`${start}:${end}:${sort}:${offset}`);
        setError(null);
      },
      (failure: Error) => current && setError(failure.message),
    );
    return () => {
      current = false;
    };
  }, [start, end, sort, offset]);

  const row = (tenant: RankedTenant) => (
    <tr key={tenant.tenant} data-testid={`tenant-row-${tenant.tenant}`} data-rank={tenant.rank}>
      <td style={cell} className="em-tenant-rank">
        {tenant.rank}
      </td>
      <td style={cell} className="em-tenant-name">
        <Button
          type="button"
          size="sm"
          variant="text"
          data-testid={`tenant-open-${tenant.tenant}`}
          onClick={() => onOpen(tenant.tenant)}
          title={`Open ${tenant.tenant}'s dashboard`}
        >
          {tenant.tenant}
        </Button>
      </td>
      <td
        style={{ ...cell, textAlign: 'right' }}
        className="em-tenant-number"
        data-label="MRR"
        data-testid={`tenant-mrr-${tenant.tenant}`}
        data-value={tenant.mrr ?? 'null'}
      >
        {formatValue(tenant.mrr, 'currency', currency)}
      </td>
      <td
        style={{ ...cell, textAlign: 'right' }}
        className="em-tenant-number"
        data-label="Active users"
        data-testid={`tenant-users-${tenant.tenant}`}
        data-value={tenant.active_users ?? 'null'}
      >
        {formatValue(tenant.active_users, 'count')}
      </td>
      <td
        style={{ ...cell, textAlign: 'right' }}
        className="em-tenant-number"
        data-label="MRR growth"
        data-testid={`tenant-growth-${tenant.tenant}`}
        data-value={tenant.growth_pct ?? 'null'}
      >
        {growth(tenant.growth_pct)}
      </td>
      <td style={cell} className="em-tenant-trend">
        <Sparkline
          testId={`tenant-spark-${tenant.tenant}`}
          label={`${tenant.tenant}: ${sort === 'active_users' ? 'active users' : 'MRR'} over the range`}
          values={tenant.sparkline.map((point) => (sort === 'active_users' ? point.active_users : point.mrr))}
        />
      </td>
    </tr>
  );

  return (
    <Box
      className="em-card"
      p="lg"
      mb="lg"
      data-testid="tenants-table"
      data-loaded={loadedFor}
      style={{ borderRadius: 8, minWidth: 0 }}
    >
      <H4>Tenants</H4>
      <Text fontSize="sm" className="em-muted" mb="default">
        Ranked over the range; MRR and active users (MAU) on its last day. Choose a tenant to open its dashboard.
      </Text>
      {error && <MessageBox variant="danger" message={error} />}
      {page && page.total === 0 && <Text data-testid="tenants-table-empty">No tenant has metrics in this range.</Text>}
      {page && page.total > 0 && (
        <>
          <Box>
            <table
              className="em-tenants"
              style={{ borderCollapse: 'collapse', width: '100%', fontSize: 14 }}
              data-sort={sort}
            >
              <caption className="em-visually-hidden">
                Tenants sorted by {COLUMNS.find((c) => c.sort === sort)!.label}
              </caption>
              <thead>
                <tr>
                  <th style={cell} scope="col" className="em-tenant-rank">
                    #
                  </th>
                  <th style={{ ...cell, textAlign: 'left' }} scope="col" className="em-tenant-name">
                    Tenant
                  </th>
                  {COLUMNS.map((column) => (
                    <th
                      key={column.sort}
                      style={{ ...cell, textAlign: 'right' }}
                      scope="col"
                      aria-sort={sort === column.sort ? 'descending' : 'none'}
                    >
                      <Button
                        type="button"
                        size="sm"
                        variant={sort === column.sort ? 'contained' : 'text'}
                        data-testid={`tenants-sort-${column.sort}`}
                        onClick={() => {
                          setSort(column.sort);
                          setOffset(0);
                        }}
                      >
                        {column.label}
                        {sort === column.sort ? ' ▼' : ''}
                      </Button>
                    </th>
                  ))}
                  <th style={{ ...cell, textAlign: 'left' }} scope="col" className="em-tenant-trend">
                    Trend
                  </th>
                </tr>
              </thead>
              <tbody>{page.tenants.map(row)}</tbody>
            </table>
          </Box>
          <Box flex flexDirection="row" alignItems="center" style={{ gap: 8 }} mt="default">
            <Button
              type="button"
              size="sm"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Previous
            </Button>
            <Text fontSize="sm" data-testid="tenants-page">
              {offset + 1}–{Math.min(offset + PAGE, page.total)} of {page.total}
            </Text>
            <Button
              type="button"
              size="sm"
              data-testid="tenants-next"
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
