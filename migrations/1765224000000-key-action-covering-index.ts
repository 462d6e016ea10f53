import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key actions' time index carries the columns every reader of a range of key actions needs (the action, the
 * user and their tenant), so a range is read from the index alone instead of one heap page per few events: a cold
 * summary counts the users per key action over its range on every request (docs/performance-history.md, "cold reads"),
 * and the compute's reads of a work range's key actions by time can use it the same way. It replaces `system_activation_event_at` (same leading
 * column: every statement that used it can use this one), so a key action still updates two indexes.
 * Index-only reads need the visibility map: pages become all-visible once autovacuum has passed over them.
 */
export class KeyActionCoveringIndex1765224000000 implements MigrationInterface {
  name = 'KeyActionCoveringIndex1765224000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX system_activation_event_at_actor ON system_activation_event (occurred_at) INCLUDE (action, tenant_id, user_id)`,
    );
    await db.query('DROP INDEX IF EXISTS system_activation_event_at');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX system_activation_event_at ON system_activation_event (occurred_at)`);
    await db.query('DROP INDEX IF EXISTS system_activation_event_at_actor');
  }
}
