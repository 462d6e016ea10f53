import type { SourceName } from '../metrics.options.js';

/**
 * What a source column holds, which decides the types a host relation may give it and the cast that turns
 * it into the type of the module's own column (so every query compares and stores the same types).
 */
export type ColumnKind = 'id' | 'label' | 'time' | 'count' | 'amount' | 'histogram';

/** The module's own table for each source, and the columns (with their kind) a host relation must expose. */
export const SOURCE_TABLES: Record<SourceName, { table: string; columns: Record<string, ColumnKind> }> = {
  lifecycle: {
    table: 'metrics_lifecycle_event',
    columns: { tenant_id: 'id', user_id: 'id', type: 'label', occurred_at: 'time' },
  },
  activity: { table: 'metrics_activity_event', columns: { tenant_id: 'id', user_id: 'id', occurred_at: 'time' } },
  activation: {
    table: 'system_activation_event',
    columns: { tenant_id: 'id', user_id: 'id', action: 'label', occurred_at: 'time' },
  },
  jobs: {
    table: 'metrics_job_event',
    columns: { tenant_id: 'id', status: 'label', started_at: 'time', finished_at: 'time' },
  },
  ai: {
    table: 'metrics_ai_usage_event',
    columns: {
      tenant_id: 'id',
      model: 'label',
      input_tokens: 'count',
      output_tokens: 'count',
      cost_usd: 'amount',
      occurred_at: 'time',
    },
  },
  api: {
    table: 'metrics_api_request_rollup',
    columns: {
      tenant_id: 'id',
      minute: 'time',
      requests: 'count',
      client_errors: 'count',
      server_errors: 'count',
      latency_sum_ms: 'amount',
      latency_histogram: 'histogram',
    },
  },
};

export const SOURCE_NAMES = Object.keys(SOURCE_TABLES) as SourceName[];

/** A host column's type as the start-up check found it (domains resolved to their base type). */
export interface ColumnType {
  /** As SQL writes it, for messages: `character varying(64)`, `timestamp(3) without time zone`. */
  display: string;
  /** pg_type.typname: int4, varchar, uuid, timestamp, _int8, … */
  typname: string;
  /** pg_type.typcategory: S string, N numeric, E enum, … */
  category: string;
}

const CASTS: Record<Exclude<ColumnKind, 'time'>, string> = {
  id: 'varchar',
  label: 'text',
  count: 'bigint',
  amount: 'numeric',
  histogram: 'bigint[]',
};

/** The expression that reads a host column as the module's type; `type` is unknown before the start-up check. */
function columnExpression(column: string, kind: ColumnKind, type?: ColumnType): string {
  const ref = `host_rows.${column}`;
  if (kind !== 'time') return `${ref}::${CASTS[kind]} AS ${column}`;
  // A timestamp without time zone (TypeORM's default for @CreateDateColumn) is read as UTC, whatever the session's.
  return type?.typname === 'timestamp'
    ? `(${ref} AT TIME ZONE 'UTC') AS ${column}`
    : `${ref}::timestamptz AS ${column}`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** A host override as a FROM item without alias (a name, or a parenthesised SELECT), or an error naming the source. */
export function hostRelation(name: SourceName, override: string): string {
  const relation = override.trim();
  if (IDENTIFIER.test(relation) || (relation.startsWith('(') && relation.endsWith(')'))) return relation;
  throw new Error(
    `MetricsModule: sources.${name} must be a table or view name or a parenthesised SELECT exposing ` +
      `${Object.keys(SOURCE_TABLES[name].columns).join(', ')}; got ${JSON.stringify(override)}`,
  );
}

/**
 * The relation each source reads, as FROM items: the module's own table, or the host's relation wrapped in a
 * SELECT that exposes exactly the source's columns cast to the module's types (text, integer or uuid ids all
 * become varchar), so a view, a table and a parenthesised SELECT are all read the same way, under any alias.
 */
export class SourceRelations {
  private readonly wrapped: Partial<Record<SourceName, string>> = {};

  constructor(
    overrides: Partial<Record<SourceName, string>>,
    types: Partial<Record<SourceName, Record<string, ColumnType>>> = {},
  ) {
    for (const name of SOURCE_NAMES) {
      const override = overrides[name];
      if (!override?.trim()) continue;
      const relation = hostRelation(name, override);
      const columns = Object.entries(SOURCE_TABLES[name].columns).map(([column, kind]) =>
        columnExpression(column, kind, types[name]?.[column]),
      );
      this.wrapped[name] = `(SELECT ${columns.join(', ')} FROM ${relation} AS host_rows)`;
    }
  }

  /** `FROM ${sources.from('activity', 'a')}`: the source under an alias (default `<name>_source`). */
  from(name: SourceName, alias = `${name}_source`): string {
    return `${this.wrapped[name] ?? SOURCE_TABLES[name].table} AS ${alias}`;
  }

  /** Whether the source is the module's own table (not a host relation). */
  isOwn(name: SourceName): boolean {
    return this.wrapped[name] === undefined;
  }
}
