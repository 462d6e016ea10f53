import { BaseEntity, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface CohortCurvePoint {
  week: number;
  retained: number | null;
  pct: number | null;
}

/** Retention of the users who signed up in one calendar month, per tenant (NULL: all tenants). */
@Entity({ name: 'system_cohort_retention' })
export class CohortRetention extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'date' })
  cohort_month: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'varchar', length: 64 })
  environment: string;

  @Column({ type: 'integer' })
  cohort_size: number;

  @Column({ type: 'integer', nullable: true })
  week_1_retained: number | null;

  @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true })
  week_1_pct: string | null;

  @Column({ type: 'integer', nullable: true })
  week_4_retained: number | null;

  @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true })
  week_4_pct: string | null;

  @Column({ type: 'integer', nullable: true })
  week_12_retained: number | null;

  @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true })
  week_12_pct: string | null;

  @Column({ type: 'jsonb' })
  curve: CohortCurvePoint[];

  @Column({ type: 'timestamptz' })
  computed_at: Date;

  /** The `as_of` the row was computed for: which of its weeks had matured (null: written before it was recorded). */
  @Column({ type: 'timestamptz', nullable: true })
  computed_as_of: Date | null;

  /** The inputs its values depend on: timezone, relations read, definition version (see cohortInputs). */
  @Column({ type: 'text', nullable: true })
  computed_inputs: string | null;
}
