import { BaseEntity, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type RunTrigger = 'backfill' | 'compute' | 'cron' | 'cli' | 'catch_up' | 'conventions';

/** One computation: a backfill, a nightly run, a "compute now". */
@Entity({ name: 'metrics_run' })
export class MetricsRun extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  trigger: RunTrigger;

  @Column({ type: 'varchar', length: 255, nullable: true })
  requested_by: string | null;

  @Column({ type: 'date' })
  start_date: string;

  @Column({ type: 'date' })
  end_date: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: RunStatus;

  @Column({ type: 'integer', default: 0 })
  done: number;

  @Column({ type: 'integer', default: 0 })
  total: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  started_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finished_at: Date | null;

  /** Refreshed while the run computes: a run whose heartbeat stopped belongs to a process that died. */
  @Column({ type: 'timestamptz', nullable: true })
  heartbeat_at: Date | null;
}
