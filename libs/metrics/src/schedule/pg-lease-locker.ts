import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/**
 * A lock across instances as a lease row with an expiry, shaped like @nestjs/schedule's coming `CronLocker`
 * (tryAcquire(key, ttlMs), release(key)) so it can plug in when that ships. A lease needs no connection held
 * open (an advisory lock would, and the embedded database has only one), and a crashed holder's lease expires.
 */
@Injectable()
export class PgLeaseLocker {
  private readonly holder = randomUUID();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async tryAcquire(key: string, ttlMs: number): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO metrics_lease AS lease (key, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE lease.expires_at < now() OR lease.holder = EXCLUDED.holder
       RETURNING key`,
      [key, this.holder, ttlMs],
    );
    return rows.length === 1;
  }

  async release(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM metrics_lease WHERE key = $1 AND holder = $2', [key, this.holder]);
  }

  /** Runs `work` while holding the lease (renewed as it goes), or returns undefined if another holds it. */
  async withLease<T>(key: string, ttlMs: number, work: () => Promise<T>): Promise<T | undefined> {
    if (!(await this.tryAcquire(key, ttlMs))) return undefined;
    const renewal = setInterval(() => void this.tryAcquire(key, ttlMs).catch(() => undefined), ttlMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      await this.release(key).catch(() => undefined);
    }
  }
}
