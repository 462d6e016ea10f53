import { BaseEntity, Column, Entity, PrimaryGeneratedColumn, type ColumnOptions } from 'typeorm';
import { METRIC_CATALOG } from '../catalog/metric-catalog.js';
import type { ColumnType } from '../catalog/catalog.types.js';

export type BucketType = 'daily' | 'weekly' | 'monthly';
export const BUCKET_TYPES: readonly BucketType[] = ['daily', 'weekly', 'monthly'];

/**
 * One row per (bucket_type, bucket_date, tenant, environment); the global row has tenant_id NULL.
 * The metric columns are declared from the catalog below, so the entity never drifts from it.
 */
@Entity({ name: 'system_metrics_snapshot' })
export class MetricsSnapshot extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'bucket_type', type: 'varchar', length: 16 })
  bucket_type: BucketType;

  @Column({ name: 'bucket_date', type: 'date' })
  bucket_date: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'varchar', length: 64 })
  environment: string;

  @Column({ name: 'activation_breakdown', type: 'jsonb', nullable: true })
  activation_breakdown: Record<string, number> | null;

  @Column({ name: 'ai_breakdown', type: 'jsonb', nullable: true })
  ai_breakdown: Record<string, { tokens: number; cost_usd: number; requests: number }> | null;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computed_at: Date;

  [metric: string]: unknown;
}

const typeormColumn = (type: ColumnType): ColumnOptions => {
  if (type === 'bigint[]') return { type: 'bigint', array: true };
  const match = /^numeric\((\d+),(\d+)\)$/.exec(type);
  if (match) return { type: 'numeric', precision: Number(match[1]), scale: Number(match[2]) };
  return { type: type as 'integer' | 'bigint' };
};

for (const metric of METRIC_CATALOG) {
  Column({ name: metric.key, nullable: true, ...typeormColumn(metric.column) })(MetricsSnapshot.prototype, metric.key);
}
