import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SnapshotsRepository } from './snapshots.repository.js';

const MAX_ENTRIES = 500;
const MAX_AGE_MS = 10 * 60_000;

/**
 * Caches dashboard answers (summary, timeseries) until the snapshots change. Every compute bumps a version
 * row in its own transaction, so every instance of the host sees a recompute at its next read: one primary
 * key lookup instead of the aggregation.
 */
@Injectable()
export class ReadCache {
  private readonly entries = new Map<string, { value: Promise<unknown>; storedAt: number }>();

  constructor(private readonly snapshots: SnapshotsRepository) {}

  /** Called inside a compute's transaction: the new version is visible exactly when the snapshots are. */
  async bump(manager: EntityManager): Promise<void> {
    await this.snapshots.bumpVersion(manager);
  }

  async getOrCompute<T>(key: string, compute: () => Promise<T>): Promise<T> {
    // From where the answer will be read: with a read replica, its version says which snapshots it holds.
    const versionedKey = `${await this.snapshots.version()}:${key}`;
    const hit = this.entries.get(versionedKey);
    if (hit && Date.now() - hit.storedAt < MAX_AGE_MS) return hit.value as Promise<T>;
    // The promise itself is cached, so concurrent requests for the same answer compute it once.
    const value = compute();
    this.entries.delete(versionedKey);
    this.entries.set(versionedKey, { value, storedAt: Date.now() });
    value.catch(() => this.entries.delete(versionedKey));
    // A Map keeps insertion order: the first keys are the oldest.
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
