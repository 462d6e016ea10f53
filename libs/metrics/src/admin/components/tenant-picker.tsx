import React, { useEffect, useState } from 'react';
import { Box, Button, Input, Text } from '@adminjs/design-system';
import { apiGet } from './api';

interface Props {
  value: string | null;
  onChange: (tenant: string | null) => void;
}

/**
 * Searchable tenant picker: asks GET tenants for the few matching what was typed (debounced), so it stays
 * usable with hundreds of tenants.
 */
export default function TenantPicker({ value, onChange }: Props) {
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<{ tenants: string[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return undefined;
    const timer = setTimeout(() => {
      apiGet<{ tenants: string[]; total: number }>('tenants', { search, limit: 20 })
        .then((answer) => {
          setResult(answer);
          setError(null);
        })
        .catch((failure: Error) => setError(failure.message));
    }, 250);
    return () => clearTimeout(timer);
  }, [search, open]);

  const choose = (tenant: string | null) => {
    onChange(tenant);
    setOpen(false);
    setSearch('');
  };

  return (
    <Box style={{ position: 'relative', minWidth: 220 }}>
      <Text fontSize="sm" color="grey80">
        Tenant: <strong data-testid="filter-tenant-current">{value ?? 'All tenants'}</strong>
      </Text>
      <Input
        data-testid="tenant-search"
        placeholder="Search tenants…"
        value={search}
        onFocus={() => setOpen(true)}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
          setSearch(event.target.value);
          setOpen(true);
        }}
        style={{ width: '100%' }}
      />
      {open && (
        <Box
          data-testid="tenant-options"
          className="em-card"
          p="sm"
          style={{
            position: 'absolute',
            zIndex: 20,
            width: '100%',
            maxHeight: 280,
            overflowY: 'auto',
            boxShadow: '0 4px 12px rgba(16,24,40,.15)',
          }}
        >
          <Button size="sm" variant="text" data-testid="tenant-option-all" onClick={() => choose(null)}>
            All tenants (global)
          </Button>
          {error && <Text color="error">{error}</Text>}
          {result?.tenants.map((tenant) => (
            <Button
              key={tenant}
              size="sm"
              variant="text"
              data-testid={`tenant-option-${tenant}`}
              onClick={() => choose(tenant)}
              style={{ display: 'block' }}
            >
              {tenant}
            </Button>
          ))}
          {result && result.total > result.tenants.length && (
            <Text fontSize="sm" color="grey80">
              {result.total - result.tenants.length} more: keep typing to narrow down
            </Text>
          )}
          <Button size="sm" variant="text" onClick={() => setOpen(false)}>
            Close
          </Button>
        </Box>
      )}
    </Box>
  );
}
