import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { run, type Statement } from '../database/statement.js';

/** The statements on `metrics_schedule_tick` and `metrics_lease`, as pure functions (docs/sql/schedule.sql). */
export const scheduleStatements = {
  /** A job's tick is claimed by one instance of a cluster: the second claim of the same tick inserts nothing. */
  claimTick: (env: string, job: string, tick: string): Statement => ({
    sql: `INSERT INTO metrics_schedule_tick (environment, job, tick) VALUES (:env, :job, :tick)
      ON CONFLICT DO NOTHING RETURNING tick`,
    params: { env, job, tick },
  }),

  /** Takes the lease when it is free or expired, or renews it for its holder: no row comes back otherwise. */
  acquireLease: (key: string, holder: string, ttlMs: number): Statement => ({
    sql: `INSERT INTO metrics_lease AS lease (key, holder, expires_at)
      VALUES (:key, :holder, now() + :ttl_ms * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE lease.expires_at < now() OR lease.holder = EXCLUDED.holder
      RETURNING key`,
    params: { key, holder, ttl_ms: ttlMs },
  }),

  releaseLease: (key: string, holder: string): Statement => ({
    sql: 'DELETE FROM metrics_lease WHERE key = :key AND holder = :holder',
    params: { key, holder },
  }),
};

/** The schedule's claims across instances: ticks computed once, and leases with an expiry; on the primary. */
@Injectable()
export class ScheduleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private query<T>(statement: Statement): Promise<T[]> {
    return run<T>((text, values) => this.dataSource.query(text, values), statement);
  }

  /** True for the one instance that claims this tick first. */
  async claimTick(env: string, job: string, tick: string): Promise<boolean> {
    return (await this.query(scheduleStatements.claimTick(env, job, tick))).length === 1;
  }

  async acquireLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.query(scheduleStatements.acquireLease(key, holder, ttlMs))).length === 1;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    await this.query(scheduleStatements.releaseLease(key, holder));
  }
}
