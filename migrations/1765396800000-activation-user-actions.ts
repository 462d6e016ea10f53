import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `system_activation_event_user` carries the action (docs/performance-history.md, "2026-12-05 (second session)"): a run
 * asks, for each user with a key action in its days, whether they did a configured action before (their first key
 * action ever), and the probe then reads the index alone where it fetched one heap row per user (8,445 users, ~90 ms of
 * a nightly run at scale 1, mostly pages not in memory). Same columns in the same order, so every other reader is
 * unchanged. Index-only reads need the visibility map (autovacuum).
 */
export class ActivationUserActions1765396800000 implements MigrationInterface {
  name = 'ActivationUserActions1765396800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS system_activation_event_user');
    await db.query(
      `CREATE INDEX system_activation_event_user ON system_activation_event (tenant_id, user_id, occurred_at)
         INCLUDE (action)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS system_activation_event_user');
    await db.query(
      `CREATE INDEX system_activation_event_user ON system_activation_event (tenant_id, user_id, occurred_at)`,
    );
  }
}
