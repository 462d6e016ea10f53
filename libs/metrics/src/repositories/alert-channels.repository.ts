import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { run, type RunsSql, type Statement } from '../database/statement.js';

/** A delivery channel as stored, secrets included: only AlertChannelsService sees it, and masks it. */
export interface AlertChannelRow {
  id: string;
  name: string;
  type: 'email' | 'webhook';
  enabled: boolean;
  /** The channel's settings with their secrets. */
  settings: Record<string, unknown>;
  created_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export interface ChannelFields {
  name: string;
  type: 'email' | 'webhook';
  enabled: boolean;
  /** The settings as JSON text. */
  settings: string;
}

const COLUMNS = 'id, name, type, enabled, settings, created_by, created_at, updated_at';

/** The statements on `metrics_alert_channel`, as pure functions (rendered in docs/sql/alert-channels.sql). */
export const alertChannelStatements = {
  /** Every channel, or the ones of `ids` (null: all), oldest first. */
  list: (ids: string[] | null): Statement => ({
    sql: `SELECT ${COLUMNS} FROM metrics_alert_channel
      WHERE :ids::uuid[] IS NULL OR id = ANY(:ids::uuid[])
      ORDER BY created_at ASC`,
    params: { ids },
  }),

  insert: (fields: ChannelFields, createdBy: string): Statement => ({
    sql: `INSERT INTO metrics_alert_channel (name, type, enabled, settings, created_by)
      VALUES (:name, :type, :enabled, :settings::jsonb, :created_by)
      RETURNING ${COLUMNS}`,
    params: { ...fields, created_by: createdBy },
  }),

  replace: (id: string, fields: ChannelFields): Statement => ({
    sql: `UPDATE metrics_alert_channel SET name = :name, type = :type, enabled = :enabled, settings = :settings::jsonb,
        updated_at = now()
      WHERE id = :id
      RETURNING ${COLUMNS}`,
    params: { id, ...fields },
  }),

  /** The channel's log stays: its deliveries keep the channel's name. */
  remove: (id: string): Statement => ({
    sql: `DELETE FROM metrics_alert_channel WHERE id = :id RETURNING ${COLUMNS}`,
    params: { id },
  }),
};

/** TypeORM answers an UPDATE or DELETE … RETURNING with [rows, affected] on PostgreSQL, with the rows on PGlite. */
function returned(result: unknown[]): AlertChannelRow[] {
  return (Array.isArray(result[0]) ? result[0] : result) as AlertChannelRow[];
}

/** `settings` is jsonb: parsed by the driver, text on some. */
function parsed(row: AlertChannelRow): AlertChannelRow {
  return typeof row.settings === 'string'
    ? { ...row, settings: JSON.parse(row.settings) as Record<string, unknown> }
    : row;
}

const on =
  (manager: EntityManager): RunsSql =>
  (text, values) =>
    manager.query(text, values);

/** Delivery channels with their secrets; the changes run on the caller's transaction, with their audit record. */
@Injectable()
export class AlertChannelsRepository {
  async list(manager: EntityManager, ids: string[] | null = null): Promise<AlertChannelRow[]> {
    return (await run<AlertChannelRow>(on(manager), alertChannelStatements.list(ids))).map(parsed);
  }

  async insert(manager: EntityManager, fields: ChannelFields, createdBy: string): Promise<AlertChannelRow> {
    const [row] = await run<AlertChannelRow>(on(manager), alertChannelStatements.insert(fields, createdBy));
    return parsed(row);
  }

  /** Undefined when there is no such channel. */
  async replace(manager: EntityManager, id: string, fields: ChannelFields): Promise<AlertChannelRow | undefined> {
    const [row] = returned(await run(on(manager), alertChannelStatements.replace(id, fields)));
    return row && parsed(row);
  }

  /** The removed row, undefined when there was none. */
  async remove(manager: EntityManager, id: string): Promise<AlertChannelRow | undefined> {
    const [row] = returned(await run(on(manager), alertChannelStatements.remove(id)));
    return row && parsed(row);
  }
}
