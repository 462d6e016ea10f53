import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LedgerRepository } from '../repositories/ledger.repository.js';
import { addDays, daysBetween } from '../common/calendar-dates.js';
import { MetricsRunsService, type RunView } from '../compute/runs.service.js';
import type { MetricsConfigJson } from '../repositories/metrics-config.service.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { BillingStore } from '../billing/billing-store.js';
import { CONVENTION_FIELDS, LEDGER_CONVENTION_FIELDS, toConventions } from '../billing/revenue-conventions.js';

/**
 * What a change of the revenue conventions does: the ledger is rebuilt from the stored subscription states in
 * the configuration's own transaction (no Stripe call; the numbers and the setting change together), then the
 * revenue history is recomputed as a run whose progress GET runs/:id shows.
 */
@Injectable()
export class ConventionsChangeService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly store: BillingStore,
    private readonly runs: MetricsRunsService,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  static changed(before: MetricsConfigJson, after: MetricsConfigJson, fields: readonly string[] = CONVENTION_FIELDS) {
    return fields.some((field) => before[field as keyof MetricsConfigJson] !== after[field as keyof MetricsConfigJson]);
  }

  /** Inside the configuration change's transaction: the ledger follows the new discount and past-due rules. */
  async rebuildIfNeeded(before: MetricsConfigJson, after: MetricsConfigJson, manager: EntityManager): Promise<void> {
    if (!ConventionsChangeService.changed(before, after, LEDGER_CONVENTION_FIELDS)) return;
    await this.store.rebuildAllLedgers(manager, toConventions(after));
  }

  /**
   * After the change is committed: recomputes every day from the first ledger entry to today (at most the
   * longest range a backfill may ask for, the most recent days); null when there is no revenue yet.
   */
  async recompute(after: MetricsConfigJson, requestedBy: string): Promise<RunView | null> {
    const row = await this.ledger.span(after.timezone);
    if (!row?.first) return null;
    const longest = this.options.maxRangeDays.daily;
    const start = daysBetween(row.first, row.today) >= longest ? addDays(row.today, 1 - longest) : row.first;
    return this.runs.start({ start, end: row.today, trigger: 'conventions', requestedBy });
  }
}
