import type { EntityManager } from 'typeorm';
import type { MrrDiscountConvention } from '../entities/revenue-conventions.types.js';
import type { ConventionsRepository } from '../repositories/conventions.repository.js';
import { DEFAULT_CONVENTIONS, type RevenueConventions } from './subscription-mrr.js';

/** The configuration fields that are revenue conventions (metrics.md, "Conventions the configuration chooses"). */
export const LEDGER_CONVENTION_FIELDS = ['mrr_discounts', 'past_due_churn_after_days'] as const;
export const CONVENTION_FIELDS = [...LEDGER_CONVENTION_FIELDS, 'quick_ratio_includes_reactivation'] as const;

export interface AllConventions extends RevenueConventions {
  quickRatioIncludesReactivation: boolean;
}

export interface ConventionsJson {
  mrr_discounts: MrrDiscountConvention;
  past_due_churn_after_days: number | null;
  quick_ratio_includes_reactivation: boolean;
}

export const toConventions = (json: ConventionsJson): AllConventions => ({
  mrrDiscounts: json.mrr_discounts,
  pastDueChurnAfterDays: json.past_due_churn_after_days,
  quickRatioIncludesReactivation: json.quick_ratio_includes_reactivation,
});

export const toConventionsJson = (conventions: AllConventions): ConventionsJson => ({
  mrr_discounts: conventions.mrrDiscounts,
  past_due_churn_after_days: conventions.pastDueChurnAfterDays,
  quick_ratio_includes_reactivation: conventions.quickRatioIncludesReactivation,
});

/**
 * The configured conventions, read on the caller's transaction (the webhook's ledger rebuild and a
 * convention change must see the same row); the defaults before the configuration row exists.
 */
export async function readConventions(
  repository: ConventionsRepository,
  manager: EntityManager,
): Promise<AllConventions> {
  const row = await repository.read(manager);
  if (!row) return { ...DEFAULT_CONVENTIONS, quickRatioIncludesReactivation: true };
  return toConventions({
    ...row,
    past_due_churn_after_days: row.past_due_churn_after_days === null ? null : Number(row.past_due_churn_after_days),
  });
}
