import { Injectable, Logger } from '@nestjs/common';
import { AuditPartitionRepository, type AuditMonth } from '../repositories/audit-partition.repository.js';
import { AuditService } from './audit.service.js';

/** Months created ahead of the current one: a missed daily job (or three months of them) never matters. */
export const AUDIT_MONTHS_AHEAD = 3;

/** The UTC month of an instant, `offset` months later, as YYYY-MM. */
export function utcMonth(at: Date, offset = 0): AuditMonth {
  const shifted = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
  return `${shifted.getUTCFullYear()}-${String(shifted.getUTCMonth() + 1).padStart(2, '0')}`;
}

export interface EnsuredPartitions {
  /** Months whose partition was created now. */
  created: AuditMonth[];
  /** Of those, the months whose records had landed in the DEFAULT partition and were moved into it. */
  moved: AuditMonth[];
  /** Months with records in the DEFAULT partition that keep them there: their table name is taken by a month detached for archiving. */
  skipped: AuditMonth[];
}

export interface ArchivedMonths {
  /** The tables detached: dump them (pg_dump -t), then drop them. */
  tables: string[];
  records: number;
  /** The hash of the last archived record: the remaining chain's first record must point to it. */
  anchor: string | null;
}

/** A request to archive that cannot be done as asked: the message says why (the CLI exits 2). */
export class AuditArchiveRefused extends Error {}

/**
 * Keeps metrics_audit_log's monthly partitions (migration 1765180800000-audit-partitions): the current month and
 * the next AUDIT_MONTHS_AHEAD exist, ensured at start-up and daily by MetricsScheduler, in one transaction under an
 * advisory lock so that several instances do it once; a record whose month is missing lands in the DEFAULT
 * partition and is moved into its month's partition by the next ensure. Archives old months by detaching them,
 * leaving an anchor from which the rest of the chain still verifies.
 */
@Injectable()
export class AuditPartitionsService {
  private readonly logger = new Logger('AuditPartitions');

  constructor(
    private readonly partitions: AuditPartitionRepository,
    private readonly audit: AuditService,
  ) {}

  /** The partitions of this month and the next AUDIT_MONTHS_AHEAD, and of every month with records in DEFAULT. */
  async ensure(now = new Date()): Promise<EnsuredPartitions> {
    const result = await this.partitions.transaction(async (manager) => {
      await this.partitions.lock(manager);
      const attached = new Set((await this.partitions.partitions(manager)).map((row) => row.month));
      const inDefault = await this.partitions.defaultMonths(manager);
      const ahead = Array.from({ length: AUDIT_MONTHS_AHEAD + 1 }, (_, offset) => utcMonth(now, offset));
      const done: EnsuredPartitions = { created: [], moved: [], skipped: [] };
      for (const month of [...new Set([...inDefault, ...ahead])].sort()) {
        if (attached.has(month)) continue;
        if (await this.partitions.isDetachedTable(manager, month)) {
          if (inDefault.includes(month)) done.skipped.push(month);
          continue;
        }
        if (inDefault.includes(month)) {
          await this.partitions.moveFromDefault(manager, month);
          done.moved.push(month);
        } else {
          await this.partitions.create(manager, month);
        }
        done.created.push(month);
      }
      return done;
    });
    if (result.created.length) this.logger.log(`audit partitions created: ${result.created.join(', ')}`);
    if (result.moved.length) this.logger.warn(`audit records moved out of DEFAULT into: ${result.moved.join(', ')}`);
    if (result.skipped.length) {
      this.logger.warn(`audit records of ${result.skipped.join(', ')} stay in DEFAULT: a detached table has the name`);
    }
    return result;
  }

  /**
   * Detaches every monthly partition before `before` (YYYY-MM, not after the current month) and records, for
   * each, its count and its last record's id and hash in metrics_audit_archive. Refused unless the chain
   * verifies before, the archived records come first in the chain, and the rest verifies from the anchor after
   * (all in one transaction: a refusal changes nothing).
   */
  async archiveBefore(before: AuditMonth, by: string, now = new Date()): Promise<ArchivedMonths> {
    if (before > utcMonth(now)) throw new AuditArchiveRefused(`cannot archive the current month or later (${before})`);
    return this.partitions.transaction(async (manager) => {
      await this.partitions.lock(manager);
      await this.partitions.lockWrites(manager);
      const months = (await this.partitions.partitions(manager))
        .map((row) => row.month)
        .filter((month): month is AuditMonth => month !== null && month < before);
      if (months.length === 0) return { tables: [], records: 0, anchor: null };
      const before_ = await this.audit.verify(manager);
      if (!before_.ok) throw new AuditArchiveRefused(`the audit chain is broken at ${before_.first_broken?.id}`);
      const tables = months.map((month) => `metrics_audit_log_${month.replace('-', '_')}`);
      const overlap = await this.partitions.notAPrefix(manager, tables);
      if (overlap) {
        throw new AuditArchiveRefused(
          `record ${overlap.staying_id} stays but comes before archived record ${overlap.archived_id} in the chain: ` +
            'archive one month more',
        );
      }
      let records = 0;
      let anchor: { id: bigint; hash: string | null } | null = null;
      for (const month of months) {
        const summary = await this.partitions.monthSummary(manager, month);
        await this.partitions.archive(manager, month, summary, by);
        records += summary.records;
        if (summary.last_id !== null && (anchor === null || BigInt(summary.last_id) > anchor.id)) {
          anchor = { id: BigInt(summary.last_id), hash: summary.last_hash };
        }
      }
      const after = await this.audit.verify(manager);
      if (!after.ok)
        throw new Error(`the audit chain does not verify from the archive anchor: ${after.first_broken?.id}`);
      return { tables, records, anchor: anchor?.hash ?? null };
    });
  }
}
