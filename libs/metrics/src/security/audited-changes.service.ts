import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ReadCache } from '../repositories/read-cache.service.js';
import { AuditService, type AuditEntry } from './audit.service.js';

/** What a change made, for its audit record (secrets masked by the caller). */
export type AuditedChanges = Record<string, { before: unknown; after: unknown }>;

/** A change's answer, with the before/after its audit record shows when it shows one. */
export interface ChangeOutcome<T> {
  result: T;
  changes?: AuditedChanges;
}

/**
 * An admin's change and its audit record in ONE transaction: both are written or neither. The read cache's
 * version is bumped in it too, because the changes made this way (annotations, alert rules, acknowledgements,
 * channels) show in cached answers such as GET summary.
 */
@Injectable()
export class AuditedChange {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cache: ReadCache,
  ) {}

  run<T>(
    entry: Omit<AuditEntry, 'outcome'>,
    outcome: number,
    change: (manager: EntityManager) => Promise<ChangeOutcome<T>>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const { result, changes } = await change(manager);
      await this.audit.record({ ...entry, ...(changes ? { changes } : {}), outcome }, manager);
      await this.cache.bump(manager);
      return result;
    });
  }
}
