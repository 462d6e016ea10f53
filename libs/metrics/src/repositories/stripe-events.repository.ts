import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';

export interface NewStripeEvent {
  id: string;
  type: string;
  /** Stripe's `created`, in seconds since the epoch. */
  created: number;
  object_id: string | null;
  customer_id: string | null;
  /** The whole event as JSON text. */
  payload: string;
}

/** The statements on the Stripe event log `metrics_stripe_event`, as pure functions (docs/sql/stripe-events.sql). */
export const stripeEventStatements = {
  /** Stored once by id: a redelivered event inserts nothing and returns no row. */
  insert: (event: NewStripeEvent): Statement => ({
    sql: `INSERT INTO metrics_stripe_event (id, type, created_at, object_id, customer_id, outcome, payload)
       VALUES (:id, :type, to_timestamp(:created), :object_id, :customer_id, 'pending', :payload)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
    params: { ...event },
  }),

  setOutcome: (id: string, outcome: string): Statement => ({
    sql: `UPDATE metrics_stripe_event SET outcome = :outcome WHERE id = :id`,
    params: { id, outcome },
  }),
};

/** The Stripe event log, written in the webhook's transaction with the event's effects. */
@Injectable()
export class StripeEventsRepository {
  /** False when the event was stored before (a redelivery). */
  async insert(manager: EntityManager, event: NewStripeEvent): Promise<boolean> {
    const stored = await run((text, values) => manager.query(text, values), stripeEventStatements.insert(event));
    return stored.length > 0;
  }

  async setOutcome(manager: EntityManager, id: string, outcome: string): Promise<void> {
    await run((text, values) => manager.query(text, values), stripeEventStatements.setOutcome(id, outcome));
  }
}
