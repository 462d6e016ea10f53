import { MetricsSnapshot } from './snapshot.entity.js';
import { MetricsConfigEntity } from './config.entity.js';
import { CohortRetention } from './cohort-retention.entity.js';
import { MetricsRun } from './run.entity.js';
import { MetricsApiToken, MetricsAuditLog } from './security.entity.js';
import {
  ActivationEvent,
  ActivityEvent,
  AiUsageEvent,
  ApiRequestRollup,
  JobEvent,
  LifecycleEvent,
} from './source-events.entity.js';
import { ALERT_ENTITIES } from './alert.entities.js';

export * from './snapshot.entity.js';
export * from './config.entity.js';
export * from './cohort-retention.entity.js';
export * from './run.entity.js';
export * from './security.entity.js';
export * from './source-events.entity.js';
export * from './alert.entities.js';

/** Every entity of the module: hosts add these to their TypeORM data source. */
export const METRICS_ENTITIES = [
  MetricsSnapshot,
  MetricsConfigEntity,
  CohortRetention,
  MetricsRun,
  ActivationEvent,
  LifecycleEvent,
  ActivityEvent,
  JobEvent,
  AiUsageEvent,
  ApiRequestRollup,
  MetricsApiToken,
  MetricsAuditLog,
  ...ALERT_ENTITIES,
];
