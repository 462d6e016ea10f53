import { Injectable } from '@nestjs/common';
import type { BucketType } from '../entities/snapshot.entity.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { localDate } from '../common/local-clock.js';
import { breakdownsOf, toNumber, type Breakdowns } from '../common/metric-values.js';
import { SnapshotsRepository } from '../repositories/snapshots.repository.js';
import { LedgerRepository } from '../repositories/ledger.repository.js';

export interface TimeseriesQuery {
  metrics: string[];
  start: string;
  end: string;
  tenant?: string | null;
  bucket?: BucketType;
  /** Breakdowns per bucket as well. */
  breakdowns?: BreakdownKind[];
  /** "Now", which decides the buckets still in progress; tests pin it. */
  asOf?: Date;
}

/** Stored breakdowns (ai, activation) and MRR by plan (read from the revenue ledger). */
export type BreakdownKind = keyof Breakdowns | 'plan';
type BreakdownValues = Breakdowns & { plan: Record<string, number> | null };

/** One bucket's value; `complete` is false while the bucket's last day has not ended (the value is to date). */
export interface TimeseriesPoint {
  date: string;
  value: number | null;
  complete: boolean;
}

export interface Timeseries {
  bucket: BucketType;
  /** The period of the rates per period (churn): each bucket's own. */
  per: 'day' | 'week' | 'month';
  series: Record<string, TimeseriesPoint[]>;
  breakdowns?: { [K in BreakdownKind]?: { date: string; value: BreakdownValues[K] }[] };
}

const PER: Record<BucketType, Timeseries['per']> = { daily: 'day', weekly: 'week', monthly: 'month' };

/**
 * Metric values per bucket: one point for every bucket that touches [start, end] (the CSV export has the same
 * buckets), null where no snapshot was computed, each marked complete or to date. The metric keys must come from the catalog (the caller validates them) and are quoted anyway.
 */
@Injectable()
export class TimeseriesService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly snapshots: SnapshotsRepository,
    private readonly config: MetricsConfigService,
  ) {}

  async timeseries(query: TimeseriesQuery): Promise<Timeseries> {
    const bucket = query.bucket ?? 'daily';
    const kinds = query.breakdowns ?? [];
    const { timezone } = await this.config.get();
    const rows = await this.snapshots.timeseries({
      bucket,
      start: query.start,
      end: query.end,
      tenant: query.tenant ?? null,
      today: localDate(query.asOf ?? new Date(), timezone),
      metrics: query.metrics,
      breakdowns: kinds.filter((kind) => kind !== 'plan'),
    });
    const series: Timeseries['series'] = {};
    for (const key of query.metrics) {
      series[key] = rows.map((row) => ({
        date: String(row.date),
        value: toNumber(row[key]),
        complete: row.complete === true,
      }));
    }
    if (kinds.length === 0) return { bucket, per: PER[bucket], series };
    const breakdowns: NonNullable<Timeseries['breakdowns']> = {};
    for (const kind of kinds.filter((name) => name !== 'plan')) {
      breakdowns[kind] = rows.map((row) => ({ date: String(row.date), value: breakdownsOf(row)[kind] })) as never;
    }
    if (kinds.includes('plan')) {
      const config = await this.config.get();
      const plans = await this.ledger.planBreakdown({
        bucket,
        start: query.start,
        end: query.end,
        tz: config.timezone,
        tenant: query.tenant ?? null,
        currency: config.currency,
        rates: JSON.stringify(config.currency_rates ?? {}),
      });
      breakdowns.plan = rows.map((row) => ({ date: String(row.date), value: plans.get(String(row.date)) ?? null }));
    }
    return { bucket, per: PER[bucket], series, breakdowns };
  }
}
