import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CohortCurvePoint } from '../entities/cohort-retention.entity.js';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { toNumber } from '../common/metric-values.js';
import { readQuery } from '../database/read-replica.js';

export interface CohortRow {
  cohort_month: string;
  cohort_size: number;
  week_1_retained: number | null;
  week_1_pct: number | null;
  week_4_retained: number | null;
  week_4_pct: number | null;
  week_12_retained: number | null;
  week_12_pct: number | null;
  curve: CohortCurvePoint[];
  computed_at: string;
}

/** The stored cohort retention, newest cohorts last. */
@Injectable()
export class CohortsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
  ) {}

  async cohorts(tenant: string | null, months = 6): Promise<CohortRow[]> {
    const rows = (await readQuery(
      this.dataSource,
      `SELECT * FROM (
         SELECT cohort_month::text AS cohort_month, cohort_size, week_1_retained, week_1_pct, week_4_retained, week_4_pct,
                week_12_retained, week_12_pct, curve, computed_at
         FROM system_cohort_retention
         WHERE environment = $1 AND tenant_id IS NOT DISTINCT FROM $2::varchar
         ORDER BY cohort_month DESC LIMIT $3) AS newest
       ORDER BY cohort_month`,
      [this.options.environment, tenant, months],
    )) as Record<string, unknown>[];
    return rows.map((row) => ({
      cohort_month: String(row.cohort_month),
      cohort_size: Number(row.cohort_size),
      week_1_retained: toNumber(row.week_1_retained),
      week_1_pct: toNumber(row.week_1_pct),
      week_4_retained: toNumber(row.week_4_retained),
      week_4_pct: toNumber(row.week_4_pct),
      week_12_retained: toNumber(row.week_12_retained),
      week_12_pct: toNumber(row.week_12_pct),
      curve: row.curve as CohortCurvePoint[],
      computed_at: new Date(row.computed_at as string).toISOString(),
    }));
  }
}
