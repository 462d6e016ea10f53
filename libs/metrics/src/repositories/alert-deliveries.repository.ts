import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { run, type RunsSql, type Statement } from '../database/statement.js';

/** A delivery claimed for sending; `payload` as stored (jsonb, text on some drivers). */
export interface ClaimedDeliveryRow {
  id: string;
  channel_id: string | null;
  payload: unknown;
  attempts: number;
}

/** The statements on the alert outbox `metrics_alert_delivery`, as pure functions (docs/sql/alert-deliveries.sql). */
export const alertDeliveryStatements = {
  /** Milliseconds until the next row is due; null when the outbox is empty. */
  nextWait: (): Statement => ({
    sql: `SELECT (extract(epoch FROM min(next_attempt_at) - now()) * 1000)::float8 AS wait_ms
      FROM metrics_alert_delivery WHERE status IN ('pending', 'sending')`,
    params: {},
  }),

  /** Claims up to `batch` due rows for `leaseMs`: another instance skips them, a crashed sender's lease runs out. */
  claim: (batch: number, leaseMs: number): Statement => ({
    sql: `UPDATE metrics_alert_delivery d SET status = 'sending', next_attempt_at = now() + :lease_ms * interval '1 millisecond'
      WHERE d.id IN (
        SELECT id FROM metrics_alert_delivery
        WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()
        ORDER BY next_attempt_at, id LIMIT :batch FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.channel_id, d.payload, d.attempts`,
    params: { batch, lease_ms: leaseMs },
  }),

  delivered: (id: string, attempts: number): Statement => ({
    sql: `UPDATE metrics_alert_delivery SET status = 'delivered', attempts = :attempts, delivered_at = now(), last_error = NULL
      WHERE id = :id`,
    params: { id, attempts },
  }),

  /** Back to the outbox at once (the process is stopping: not the channel's fault). */
  release: (id: string): Statement => ({
    sql: `UPDATE metrics_alert_delivery SET status = 'pending', next_attempt_at = now() WHERE id = :id`,
    params: { id },
  }),

  failedAttempt: (id: string, status: 'failed' | 'pending', attempts: number, error: string, delayMs: number) => ({
    sql: `UPDATE metrics_alert_delivery SET status = :status, attempts = :attempts, last_error = :error,
        next_attempt_at = now() + :delay_ms * interval '1 millisecond'
      WHERE id = :id`,
    params: { id, status, attempts, error, delay_ms: delayMs },
  }),
};

/** The alert outbox as the delivery worker drains it. */
@Injectable()
export class AlertDeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private readonly query: RunsSql = (text, values) => this.dataSource.query(text, values);

  async nextWaitMs(): Promise<number | undefined> {
    const [next] = await run<{ wait_ms: number | null }>(this.query, alertDeliveryStatements.nextWait());
    return next?.wait_ms === null || next?.wait_ms === undefined ? undefined : Number(next.wait_ms);
  }

  async claim(batch: number, leaseMs: number): Promise<ClaimedDeliveryRow[]> {
    const result = (await run(this.query, alertDeliveryStatements.claim(batch, leaseMs))) as unknown as
      [ClaimedDeliveryRow[], number] | ClaimedDeliveryRow[];
    // TypeORM answers an UPDATE … RETURNING with [rows, affected] on PostgreSQL, with the rows on PGlite.
    return (Array.isArray(result[0]) ? result[0] : result) as ClaimedDeliveryRow[];
  }

  async delivered(id: string, attempts: number): Promise<void> {
    await run(this.query, alertDeliveryStatements.delivered(id, attempts));
  }

  async release(id: string): Promise<void> {
    await run(this.query, alertDeliveryStatements.release(id));
  }

  async failedAttempt(
    id: string,
    status: 'failed' | 'pending',
    attempts: number,
    error: string,
    delayMs: number,
  ): Promise<void> {
    await run(this.query, alertDeliveryStatements.failedAttempt(id, status, attempts, error, delayMs));
  }
}
