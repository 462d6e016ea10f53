import React from 'react';
import { Box, Button, Text } from '@adminjs/design-system';
import { PRESETS, type BucketType, type Preset } from './dates';
import TenantPicker from './tenant-picker';

export interface Filters {
  preset: Preset;
  start: string;
  end: string;
  tenant: string | null;
  bucket: BucketType | 'auto';
}

interface Props {
  filters: Filters;
  effectiveBucket: BucketType;
  refreshSeconds: number;
  exportUrl: string;
  onChange: (patch: Partial<Filters>) => void;
  onRefreshSeconds: (seconds: number) => void;
  onRefresh: () => void;
}

const field: React.CSSProperties = {
  height: 38,
  border: '1px solid #d0d5dd',
  borderRadius: 4,
  padding: '0 8px',
  background: 'var(--em-surface)',
};
const REFRESH = [0, 30, 60, 300];

/** Date range (presets or custom), tenant, bucket, auto-refresh, export: the filters every read shares. */
export default function FiltersBar(props: Props) {
  const { filters, effectiveBucket, onChange } = props;
  return (
    <Box flex flexDirection="row" flexWrap="wrap" alignItems="flex-end" style={{ gap: 12 }} mb="lg">
      <label>
        <Text fontSize="sm" color="grey80">
          Range
        </Text>
        <select
          data-testid="filter-preset"
          style={field}
          value={filters.preset}
          onChange={(event) => onChange({ preset: event.target.value as Preset })}
        >
          {PRESETS.map((preset) => (
            <option key={preset.value} value={preset.value}>
              {preset.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <Text fontSize="sm" color="grey80">
          From
        </Text>
        <input
          type="date"
          data-testid="filter-start"
          style={field}
          value={filters.start}
          max={filters.end}
          onChange={(event) => event.target.value && onChange({ preset: 'custom', start: event.target.value })}
        />
      </label>
      <label>
        <Text fontSize="sm" color="grey80">
          To
        </Text>
        <input
          type="date"
          data-testid="filter-end"
          style={field}
          value={filters.end}
          min={filters.start}
          onChange={(event) => event.target.value && onChange({ preset: 'custom', end: event.target.value })}
        />
      </label>
      <label>
        <Text fontSize="sm" color="grey80">
          Bucket
        </Text>
        <select
          data-testid="filter-bucket"
          style={field}
          value={filters.bucket}
          onChange={(event) => onChange({ bucket: event.target.value as BucketType | 'auto' })}
        >
          <option value="auto">Auto ({effectiveBucket})</option>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly</option>
          <option value="monthly">Monthly</option>
        </select>
      </label>
      <TenantPicker value={filters.tenant} onChange={(tenant) => onChange({ tenant })} />
      <label>
        <Text fontSize="sm" color="grey80">
          Auto-refresh
        </Text>
        <select
          data-testid="refresh-interval"
          style={field}
          value={props.refreshSeconds}
          onChange={(event) => props.onRefreshSeconds(Number(event.target.value))}
        >
          {REFRESH.map((seconds) => (
            <option key={seconds} value={seconds}>
              {seconds === 0 ? 'Off' : seconds < 60 ? `${seconds} s` : `${seconds / 60} min`}
            </option>
          ))}
        </select>
      </label>
      <Button data-testid="refresh-now" variant="outlined" onClick={props.onRefresh}>
        Refresh
      </Button>
      <Button as="a" data-testid="export-csv" href={props.exportUrl} download variant="contained">
        Export CSV
      </Button>
    </Box>
  );
}
