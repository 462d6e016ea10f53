import { BaseEntity, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type TokenScope = 'admin' | 'ingest';

/** An integration token: only its SHA-256 hash is stored; the token itself is shown once, at creation. */
@Entity({ name: 'metrics_api_token' })
export class MetricsApiToken extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  scope: TokenScope;

  @Column({ type: 'char', length: 64, select: false })
  token_hash: string;

  @Column({ type: 'varchar', length: 12 })
  token_prefix: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  created_by: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  last_used_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  revoked_by: string | null;
}

/** Who did what, when, from where, with which parameters and outcome. Append-only (a trigger enforces it). */
@Entity({ name: 'metrics_audit_log' })
export class MetricsAuditLog extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'varchar', length: 255 })
  actor: string;

  @Column({ type: 'varchar', length: 16 })
  actor_kind: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 8 })
  method: string;

  @Column({ type: 'varchar', length: 255 })
  route: string;

  @Column({ type: 'varchar', length: 32 })
  action: string;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  params: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  changes: Record<string, { before: unknown; after: unknown }> | null;

  @Column({ type: 'integer' })
  outcome: number;

  /** The hash of the record before this one (null for the first): see AuditService.verify. */
  @Column({ type: 'char', length: 64, nullable: true })
  prev_hash: string | null;

  /** sha256 over prev_hash and this record, filled by a trigger. */
  @Column({ type: 'char', length: 64, nullable: true })
  hash: string | null;
}
