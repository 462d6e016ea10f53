import type {
  ColumnType,
  DailyRule,
  MetricDefinition,
  MetricKind,
  MetricUnit,
  RatioDefinition,
} from '../catalog.types.js';

/** A revenue metric: computed from the billing ledger, null while billing is not connected. */
export const revenue = (
  key: string,
  label: string,
  unit: MetricUnit,
  kind: MetricKind,
  column: ColumnType,
  daily: DailyRule,
  description: string,
  extra: { ratio?: RatioDefinition; internal?: boolean } = {},
): MetricDefinition => ({
  key,
  label,
  unit,
  kind,
  column,
  daily,
  description,
  group: 'revenue',
  source: 'billing',
  ...extra,
});

export const money = 'numeric(20,2)' as const;
export const rate = 'numeric(12,2)' as const;
