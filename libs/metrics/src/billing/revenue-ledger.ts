import {
  DEFAULT_CONVENTIONS,
  discountBoundaries,
  mrrAt,
  type RevenueConventions,
  type SubscriptionTerms,
} from './subscription-mrr.js';

const DAY_MS = 86_400_000;

/** One known state of a subscription, from the moment it took effect (an event's `created`, a sync, …). */
export interface SubscriptionState {
  validFrom: Date;
  /** The event id (or `sync:…`) that told us; the same source never adds a state twice. */
  sourceId: string;
  /** Orders states that took effect in the same second (created < updated < deleted). */
  rank: number;
  cause: string;
  terms: SubscriptionTerms;
}

/** A ledger row: from `effectiveAt` on, the subscription is worth `mrr` a month (in its own currency). */
export interface LedgerRow {
  customerId: string;
  subscriptionId: string;
  effectiveAt: Date;
  seq: number;
  status: string;
  currency: string;
  mrr: number;
  cause: string;
  sourceId: string;
}

/** The order in which states apply: by time, then rank, then source id (any arrival order gives the same). */
export function compareStates(a: SubscriptionState, b: SubscriptionState): number {
  return a.validFrom.getTime() - b.validFrom.getTime() || a.rank - b.rank || a.sourceId.localeCompare(b.sourceId);
}

/**
 * A subscription's MRR over time, from every state we know of it: each state holds from its own time until
 * the next state's, and a discount that starts or ends inside that span changes the MRR there too (a
 * 3-month coupon ends without any event). Rows whose MRR and status do not change are kept: they carry the
 * cause, and the movements computed from the ledger only count changes.
 *
 * Conventions (metrics.md): which discounts count, and whether a subscription past due for N days counts 0
 * from then on (its days are whole 24-hour spans from the first past_due state; a row `past_due_churn` marks
 * the moment, and a later paying state brings the MRR back, which the movements see as a reactivation).
 */
export function ledgerRows(
  states: SubscriptionState[],
  conventions: RevenueConventions = DEFAULT_CONVENTIONS,
): LedgerRow[] {
  const ordered = [...states].sort(compareStates);
  const rows: LedgerRow[] = [];
  let pastDueSince: number | null = null;
  ordered.forEach((state, index) => {
    const from = state.validFrom.getTime();
    const until = ordered[index + 1]?.validFrom.getTime() ?? Number.POSITIVE_INFINITY;
    pastDueSince = state.terms.status === 'past_due' ? (pastDueSince ?? from) : null;
    const churnAt =
      pastDueSince !== null && conventions.pastDueChurnAfterDays !== null
        ? pastDueSince + conventions.pastDueChurnAfterDays * DAY_MS
        : Number.POSITIVE_INFINITY;
    const row = (at: number, cause: string) =>
      rows.push({
        customerId: state.terms.customerId,
        subscriptionId: state.terms.subscriptionId,
        effectiveAt: new Date(at),
        seq: rows.length,
        status: state.terms.status,
        currency: state.terms.currency,
        mrr: at >= churnAt ? 0 : mrrAt(state.terms, at, conventions.mrrDiscounts),
        cause,
        sourceId: state.sourceId,
      });
    row(from, state.cause);
    const boundaries = discountBoundaries(state.terms, from, until, conventions.mrrDiscounts).map((at) => ({
      at,
      cause: state.terms.discounts.some((discount) => discount.end === at) ? 'discount_ended' : 'discount_started',
    }));
    if (churnAt > from && churnAt < until) boundaries.push({ at: churnAt, cause: 'past_due_churn' });
    boundaries.sort((a, b) => a.at - b.at);
    for (const { at, cause } of boundaries) row(at, cause);
  });
  return rows;
}
