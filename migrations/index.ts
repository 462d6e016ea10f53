import { MetricsCore1764028800000 } from './1764028800000-metrics-core.js';
import { TokensAndAudit1764115200000 } from './1764115200000-tokens-and-audit.js';
import { SnapshotVersion1764201600000 } from './1764201600000-snapshot-version.js';
import { SchedulesAndRuns1764288000000 } from './1764288000000-schedules-and-runs.js';
import { BillingLedger1764374400000 } from './1764374400000-billing-ledger.js';
import { OpsAiFinancials1764460800000 } from './1764460800000-ops-ai-financials.js';
import { Alerts1764547200000 } from './1764547200000-alerts.js';
import { AuditChain1764806400000 } from './1764806400000-audit-chain.js';
import { Annotations1764892800000 } from './1764892800000-annotations.js';
import { RevenueConventions1764979200000 } from './1764979200000-revenue-conventions.js';
import { AuditRefreshIndex1765065600000 } from './1765065600000-audit-refresh-index.js';
import { UserActivityState1765152000000 } from './1765152000000-user-activity-state.js';
import { AuditPartitions1765180800000 } from './1765180800000-audit-partitions.js';
import { SourceWatermarks1765195200000 } from './1765195200000-source-watermarks.js';
import { UserLifecycleState1765209600000 } from './1765209600000-user-lifecycle-state.js';
import { KeyActionCoveringIndex1765224000000 } from './1765224000000-key-action-covering-index.js';
import { UserActivityRecentIndex1765296000000 } from './1765296000000-user-activity-recent-index.js';
import { CohortComputedFor1765310400000 } from './1765310400000-cohort-computed-for.js';
import { DailyWorkStore1765324800000 } from './1765324800000-daily-work-store.js';
import { KeyActionDays1765339200000 } from './1765339200000-key-action-days.js';
import { ColdSummaryIndexes1765353600000 } from './1765353600000-cold-summary-indexes.js';
import { KeyActionGlobalDays1765368000000 } from './1765368000000-key-action-global-days.js';
import { BillingMovements1765382400000 } from './1765382400000-billing-movements.js';
import { ActivationUserActions1765396800000 } from './1765396800000-activation-user-actions.js';
import { UserActivityLastMonth1765411200000 } from './1765411200000-user-activity-last-month.js';
import { HistogramLoops1765425600000 } from './1765425600000-histogram-loops.js';
import { KeyActionTenantDays1765440000000 } from './1765440000000-key-action-tenant-days.js';
import { AiUsageDays1765454400000 } from './1765454400000-ai-usage-days.js';
import { DirtyDaySources1765468800000 } from './1765468800000-dirty-day-sources.js';
import { KeyActionDayKeyBytes1765483200000 } from './1765483200000-key-action-day-key-bytes.js';

/** Every migration of the metrics module, oldest first. Hosts add these to their data source. */
export const METRICS_MIGRATIONS = [
  MetricsCore1764028800000,
  TokensAndAudit1764115200000,
  SnapshotVersion1764201600000,
  SchedulesAndRuns1764288000000,
  BillingLedger1764374400000,
  OpsAiFinancials1764460800000,
  Alerts1764547200000,
  AuditChain1764806400000,
  Annotations1764892800000,
  RevenueConventions1764979200000,
  AuditRefreshIndex1765065600000,
  UserActivityState1765152000000,
  AuditPartitions1765180800000,
  SourceWatermarks1765195200000,
  UserLifecycleState1765209600000,
  KeyActionCoveringIndex1765224000000,
  UserActivityRecentIndex1765296000000,
  CohortComputedFor1765310400000,
  DailyWorkStore1765324800000,
  KeyActionDays1765339200000,
  ColdSummaryIndexes1765353600000,
  KeyActionGlobalDays1765368000000,
  BillingMovements1765382400000,
  ActivationUserActions1765396800000,
  UserActivityLastMonth1765411200000,
  HistogramLoops1765425600000,
  KeyActionTenantDays1765440000000,
  AiUsageDays1765454400000,
  DirtyDaySources1765468800000,
  KeyActionDayKeyBytes1765483200000,
];
