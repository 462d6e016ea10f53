import { Injectable } from '@nestjs/common';
import type { CohortCurvePoint } from '../entities/cohort-retention.entity.js';
import { toNumber } from '../common/metric-values.js';
import { SnapshotsRepository } from '../repositories/snapshots.repository.js';

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
  constructor(private readonly snapshots: SnapshotsRepository) {}

  async cohorts(tenant: string | null, months = 6): Promise<CohortRow[]> {
    const rows = await this.snapshots.cohorts(tenant, months);
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
