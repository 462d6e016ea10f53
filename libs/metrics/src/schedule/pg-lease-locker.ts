import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ScheduleRepository } from '../repositories/schedule.repository.js';

/**
 * A lock across instances as a lease row with an expiry, shaped like @nestjs/schedule's coming `CronLocker`
 * (tryAcquire(key, ttlMs), release(key)) so it can plug in when that ships. A lease needs no connection held
 * open (an advisory lock would, and the embedded database has only one), and a crashed holder's lease expires.
 */
@Injectable()
export class PgLeaseLocker {
  private readonly holder = randomUUID();

  constructor(private readonly schedule: ScheduleRepository) {}

  tryAcquire(key: string, ttlMs: number): Promise<boolean> {
    return this.schedule.acquireLease(key, this.holder, ttlMs);
  }

  release(key: string): Promise<void> {
    return this.schedule.releaseLease(key, this.holder);
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
