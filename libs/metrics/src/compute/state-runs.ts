import type { EntityManager } from 'typeorm';
import type { AiUsageDaysRepository } from '../repositories/ai-usage-days.repository.js';
import type { KeyActionDaysRepository } from '../repositories/key-action-days.repository.js';
import type { SnapshotWritesRepository } from '../repositories/snapshot-writes.repository.js';
import type { SourceRelations } from '../sql/source-relations.js';
import { ActivityStateRun } from './activity-state-run.js';
import { AiUsageDaysRun } from './ai-usage-days-run.js';
import { KeyActionStateRun } from './key-action-state-run.js';
import { LifecycleStateRun } from './lifecycle-state-run.js';

/** The states a run keeps up to date as it goes, one per source that has one. */
export interface StateRuns {
  activityState: ActivityStateRun;
  lifecycleState: LifecycleStateRun;
  keyActionState: KeyActionStateRun;
  aiUsageDays: AiUsageDaysRun;
}

/**
 * Each state opened for a run in its transaction: its coverage read and, where the source was disconnected or the
 * timezone or the source's relation changed since it was kept, forgotten or emptied first (usableCoverage).
 */
export async function openStateRuns(
  manager: EntityManager,
  repositories: {
    writes: SnapshotWritesRepository;
    keyActionDays: KeyActionDaysRepository;
    aiUsageDays: AiUsageDaysRepository;
  },
  relations: SourceRelations,
  timezone: string,
  enabled: ReadonlySet<string>,
): Promise<StateRuns> {
  const { writes, keyActionDays, aiUsageDays } = repositories;
  return {
    activityState: await ActivityStateRun.open(manager, writes, relations, timezone, enabled.has('activity')),
    lifecycleState: await LifecycleStateRun.open(manager, writes, relations, enabled.has('lifecycle')),
    keyActionState: await KeyActionStateRun.open(
      manager,
      keyActionDays,
      writes,
      relations,
      timezone,
      enabled.has('activation'),
    ),
    aiUsageDays: await AiUsageDaysRun.open(manager, aiUsageDays, relations, timezone, enabled.has('ai')),
  };
}
