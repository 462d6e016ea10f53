import type { SubscriptionState } from './revenue-ledger.js';
import type { StripeSubscription } from './stripe-objects.js';
import { fullMrr, type SubscriptionTerms } from './subscription-mrr.js';

const at = (seconds: number | null | undefined): Date | null => (seconds ? new Date(seconds * 1000) : null);

/**
 * The history a fresh install can rebuild from a subscription as Stripe lists it today: it started at
 * `start_date` (trialing until `trial_end` when it had a trial), was paying with its current items from
 * then on, and ended at `ended_at` when it is canceled. Changes of items in between are not in the list
 * (only webhooks record them): the rebuilt history is the best the API can tell.
 */
export function historyStates(subscription: StripeSubscription, terms: SubscriptionTerms): SubscriptionState[] {
  const started = at(subscription.start_date ?? subscription.created) ?? new Date();
  const trialEnd = at(subscription.trial_end);
  const ended = at(subscription.ended_at) ?? (subscription.status === 'canceled' ? at(subscription.canceled_at) : null);
  const sourceId = `history:${subscription.id}`;
  const states: SubscriptionState[] = [];
  const state = (validFrom: Date, status: string, cause: string, rank: number) =>
    states.push({ validFrom, sourceId: `${sourceId}:${cause}`, rank, cause, terms: { ...terms, status } });

  // Before it ended, a canceled subscription was paying; an expired incomplete one never was.
  const living = ended ? (subscription.status.startsWith('incomplete') ? 'incomplete' : 'active') : subscription.status;
  if (trialEnd && trialEnd > started) {
    state(started, 'trialing', 'history_trial_started', 0);
    // A trial that ended with the subscription did not convert.
    if (!ended || ended > trialEnd) state(trialEnd, living, 'history_trial_ended', 1);
  } else {
    state(started, living, 'history_started', 0);
  }
  if (ended) state(ended, subscription.status, 'history_ended', 2);
  return states;
}

/** True when what Stripe says now differs from the latest state we hold (status, amounts or discounts). */
export function termsChanged(known: SubscriptionTerms, current: SubscriptionTerms): boolean {
  return (
    known.status !== current.status ||
    known.currency !== current.currency ||
    fullMrr(known) !== fullMrr(current) ||
    JSON.stringify(known.discounts) !== JSON.stringify(current.discounts)
  );
}
