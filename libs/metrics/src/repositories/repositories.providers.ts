import { SnapshotsRepository } from './snapshots.repository.js';
import { SnapshotSummaryRepository } from './snapshot-summary.repository.js';
import { RunsRepository } from './runs.repository.js';
import { AuditRepository } from './audit.repository.js';
import { AuditPartitionRepository } from './audit-partition.repository.js';
import { LedgerRepository } from './ledger.repository.js';
import { AlertsRepository } from './alerts.repository.js';
import { AnnotationsRepository } from './annotations.repository.js';
import { DirtyDaysRepository } from './dirty-days.repository.js';
import { ConventionsRepository } from './conventions.repository.js';
import { AlertDeliveriesRepository } from './alert-deliveries.repository.js';
import { SnapshotWritesRepository } from './snapshot-writes.repository.js';
import { KeyActionDaysRepository } from './key-action-days.repository.js';
import { AiUsageDaysRepository } from './ai-usage-days.repository.js';
import { BillingMovementsRepository } from './billing-movements.repository.js';
import { StoredDailyWorkRepository } from './stored-daily-work.repository.js';
import { RevenueCompareRepository } from './revenue-compare.repository.js';
import { RevenueCustomersRepository } from './revenue-customers.repository.js';
import { TenantRankingRepository } from './tenant-ranking.repository.js';
import { BillingStateRepository } from './billing-state.repository.js';
import { LedgerEntriesRepository } from './ledger-entries.repository.js';
import { StripeEventsRepository } from './stripe-events.repository.js';
import { EventsRepository } from './events.repository.js';
import { AlertChannelsRepository } from './alert-channels.repository.js';
import { SnapshotAnomaliesRepository } from './snapshot-anomalies.repository.js';
import { SnapshotExportRepository } from './snapshot-export.repository.js';
import { ScheduleRepository } from './schedule.repository.js';
import { VerifyRepository } from './verify.repository.js';
import { SourceCheckRepository } from './source-check.repository.js';

/** Every repository: the only classes that run SQL on the module's tables (docs/sql/ shows their statements). */
export const REPOSITORIES = [
  SnapshotsRepository,
  SnapshotSummaryRepository,
  TenantRankingRepository,
  RunsRepository,
  SnapshotWritesRepository,
  KeyActionDaysRepository,
  AiUsageDaysRepository,
  BillingMovementsRepository,
  StoredDailyWorkRepository,
  RevenueCompareRepository,
  AuditRepository,
  AuditPartitionRepository,
  LedgerRepository,
  RevenueCustomersRepository,
  AlertsRepository,
  AlertDeliveriesRepository,
  AnnotationsRepository,
  DirtyDaysRepository,
  ConventionsRepository,
  BillingStateRepository,
  LedgerEntriesRepository,
  StripeEventsRepository,
  EventsRepository,
  AlertChannelsRepository,
  SnapshotAnomaliesRepository,
  SnapshotExportRepository,
  ScheduleRepository,
  VerifyRepository,
  SourceCheckRepository,
];
