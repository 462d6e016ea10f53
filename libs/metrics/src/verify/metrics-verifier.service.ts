import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SnapshotComputeService } from '../compute/snapshot-compute.service.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { VerifyRepository } from '../repositories/verify.repository.js';
import { AuditService } from '../security/audit.service.js';
import { snapshotSample } from './snapshot-sample.js';
import {
  dirtyDays,
  failingDeliveries,
  pendingMigrations,
  revenueReconciliation,
  stuckRuns,
  type CheckResult,
} from './verify-checks.js';

export interface VerifyReport {
  /** False when any check failed (warnings keep it true). */
  ok: boolean;
  checks: CheckResult[];
}

/**
 * Proves the stored data is whole, for a cron, a health check or a person (`npm run metrics -- verify`,
 * `GET verify`): each check gives a verdict, and the report is ok unless one failed.
 */
@Injectable()
export class MetricsVerifier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly checks: VerifyRepository,
    private readonly audit: AuditService,
    private readonly compute: SnapshotComputeService,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  async verify(sample = 5): Promise<VerifyReport> {
    const environment = this.options.environment;
    const migrations = await pendingMigrations(this.dataSource);
    // On an outdated schema the other checks would fail on missing tables or columns, not on the data.
    if (migrations.verdict === 'failed') return { ok: false, checks: [migrations] };
    const chain = await this.audit.verify();
    const checks: CheckResult[] = [
      chain.ok
        ? { name: 'audit_chain', verdict: 'ok', detail: `${chain.records} record(s), head ${chain.head ?? '(empty)'}` }
        : {
            name: 'audit_chain',
            verdict: 'failed',
            detail: `record ${chain.first_broken!.id}: ${chain.first_broken!.reason}`,
          },
      await revenueReconciliation(this.checks, environment),
      await snapshotSample(this.checks, this.compute, environment, sample),
      await dirtyDays(this.checks),
      await stuckRuns(this.checks),
      await failingDeliveries(this.checks),
      migrations,
    ];
    return { ok: checks.every((check) => check.verdict !== 'failed'), checks };
  }
}
