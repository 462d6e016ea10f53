import type { SourceName } from '../../metrics.options.js';

/** The module's own table for each source, and the columns a host relation must expose to replace it. */
export const SOURCE_TABLES: Record<SourceName, { table: string; columns: string[] }> = {
  lifecycle: { table: 'metrics_lifecycle_event', columns: ['tenant_id', 'user_id', 'type', 'occurred_at'] },
  activity: { table: 'metrics_activity_event', columns: ['tenant_id', 'user_id', 'occurred_at'] },
  activation: { table: 'system_activation_event', columns: ['tenant_id', 'user_id', 'action', 'occurred_at'] },
  jobs: { table: 'metrics_job_event', columns: ['tenant_id', 'status', 'started_at', 'finished_at'] },
  ai: {
    table: 'metrics_ai_usage_event',
    columns: ['tenant_id', 'model', 'input_tokens', 'output_tokens', 'cost_usd', 'occurred_at'],
  },
  api: {
    table: 'metrics_api_request_rollup',
    columns: [
      'tenant_id',
      'minute',
      'requests',
      'client_errors',
      'server_errors',
      'latency_sum_ms',
      'latency_histogram',
    ],
  },
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Resolves the relation each source reads: the host's override (a table, view or parenthesised SELECT) or ours. */
export function resolveSourceRelations(overrides: Partial<Record<SourceName, string>>): Record<SourceName, string> {
  const relations = {} as Record<SourceName, string>;
  for (const name of Object.keys(SOURCE_TABLES) as SourceName[]) {
    const override = overrides[name]?.trim();
    if (!override) {
      relations[name] = SOURCE_TABLES[name].table;
    } else if (IDENTIFIER.test(override)) {
      relations[name] = override;
    } else if (override.startsWith('(') && override.endsWith(')')) {
      relations[name] = `${override} AS ${name}_source`;
    } else {
      throw new Error(
        `MetricsModule: sources.${name} must be a table or view name or a parenthesised SELECT exposing ` +
          `${SOURCE_TABLES[name].columns.join(', ')}; got ${JSON.stringify(override)}`,
      );
    }
  }
  return relations;
}
