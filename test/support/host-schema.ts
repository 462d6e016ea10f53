import type { SourceName } from '../../libs/metrics/src/metrics.options.js';

/**
 * A host app's own tables, as a `sources` user has them: tenants and users under the host's names and types
 * (integer org ids with uuid users, or text ids), TypeORM's `timestamp without time zone` for sign-ups, an enum
 * for job states, int columns for counts. Every source can be given to the module three ways, all built from the
 * same renaming SELECT: the parenthesised SELECT itself, a view of it, or a table holding its rows.
 *
 * The rows (hand-counted expectations in host-sources-types.e2e-spec.ts), all on 2025-05, times in UTC:
 * - users: u1 (T1) signs up 05-01 08:00; u2 (T1) 05-01 09:00, deactivated 05-03 12:00; u3 (T2) 05-02 08:00
 * - logins: u1 05-01 10:00, 05-02 10:00, 05-09 10:00; u2 05-02 11:00; u3 05-02 12:00
 * - features: u1 file_upload 05-01 11:00; u2 other_action 05-02 (not a key action); u3 report_generate 05-12 10:00
 * - jobs: T1 succeeded 30 s and failed 60 s on 05-01; T2 succeeded 10 s on 05-02
 * - LLM calls: T1 gpt 100+50 tokens $0.015 and 200+100 tokens $0.03 on 05-01; T2 claude 1000+500 tokens $0.2 on 05-02
 * - API minutes: T1 05-01 10:00 10 requests (1 client, 2 server errors, 500 ms); T2 05-02 10:00 4 requests, 100 ms
 */
export type IdFlavour = 'integer' | 'text';
export type RelationForm = 'select' | 'view' | 'table';

export interface HostIds {
  tenants: [string, string];
  users: [string, string, string];
}

export const HOST_IDS: Record<IdFlavour, HostIds> = {
  integer: {
    tenants: ['1', '2'],
    users: [
      '6f1d2c9e-0000-4000-8000-000000000001',
      '6f1d2c9e-0000-4000-8000-000000000002',
      '6f1d2c9e-0000-4000-8000-000000000003',
    ],
  },
  text: { tenants: ['acme', 'initech'], users: ['ann', 'bob', 'cy'] },
};

/** The renaming SELECT per source: the host's columns under the names the module reads. */
const RENAMING: Record<SourceName, string> = {
  lifecycle: `SELECT u.org_id AS tenant_id, u.id AS user_id, 'signup' AS type, u.created_at AS occurred_at FROM host_user u
    UNION ALL
    SELECT u.org_id, u.id, 'deactivate', u.deactivated_at FROM host_user u WHERE u.deactivated_at IS NOT NULL`,
  activity: `SELECT l.org_id AS tenant_id, l.user_id, l.at AS occurred_at FROM host_login l`,
  activation: `SELECT f.org_id AS tenant_id, f.user_id, f.feature AS action, f.used_at AS occurred_at FROM host_feature_use f`,
  jobs: `SELECT j.org_id AS tenant_id, j.state AS status, j.started AS started_at, j.finished AS finished_at FROM host_job j`,
  ai: `SELECT c.org_id AS tenant_id, c.model, c.prompt_tokens AS input_tokens, c.completion_tokens AS output_tokens,
      c.cost AS cost_usd, c.at AS occurred_at FROM host_llm_call c`,
  api: `SELECT m.org_id AS tenant_id, m.minute, m.requests, m.client_errors, m.server_errors,
      m.latency_ms AS latency_sum_ms, m.histogram AS latency_histogram FROM host_api_minute m`,
};

/** The host's tables with its rows, for one id flavour. */
export function hostTablesSql(flavour: IdFlavour): string[] {
  const tenantType = flavour === 'integer' ? 'integer' : 'text';
  const userType = flavour === 'integer' ? 'uuid' : 'varchar(40)';
  const { tenants, users } = HOST_IDS[flavour];
  const t = (index: 0 | 1) => (flavour === 'integer' ? tenants[index] : `'${tenants[index]}'`);
  const u = (index: 0 | 1 | 2) => `'${users[index]}'`;
  const histogram = (slot: number, count: number) =>
    `'{${Array.from({ length: 19 }, (_, index) => (index === slot ? count : 0)).join(',')}}'`;
  return [
    `CREATE TABLE host_org (id ${tenantType} PRIMARY KEY, name text NOT NULL)`,
    `CREATE TABLE host_user (id ${userType} PRIMARY KEY, org_id ${tenantType} NOT NULL REFERENCES host_org,
       email text NOT NULL, created_at timestamp NOT NULL, deactivated_at timestamp)`,
    `CREATE TABLE host_login (org_id ${tenantType} NOT NULL, user_id ${userType} NOT NULL, at timestamptz NOT NULL)`,
    `CREATE TABLE host_feature_use (org_id ${tenantType}, user_id ${userType}, feature varchar(40), used_at timestamptz)`,
    `CREATE TYPE host_job_state AS ENUM ('queued', 'succeeded', 'failed')`,
    `CREATE TABLE host_job (org_id ${tenantType}, state host_job_state, started timestamptz, finished timestamptz)`,
    `CREATE TABLE host_llm_call (org_id ${tenantType}, model text, prompt_tokens integer, completion_tokens integer,
       cost numeric(10,4), at timestamptz)`,
    `CREATE TABLE host_api_minute (org_id ${tenantType}, minute timestamptz, requests integer, client_errors integer,
       server_errors integer, latency_ms numeric(12,2), histogram integer[])`,
    `INSERT INTO host_org VALUES (${t(0)}, 'Acme'), (${t(1)}, 'Initech')`,
    `INSERT INTO host_user VALUES
       (${u(0)}, ${t(0)}, 'ann@acme.test', '2025-05-01 08:00', NULL),
       (${u(1)}, ${t(0)}, 'bob@acme.test', '2025-05-01 09:00', '2025-05-03 12:00'),
       (${u(2)}, ${t(1)}, 'cy@initech.test', '2025-05-02 08:00', NULL)`,
    `INSERT INTO host_login VALUES
       (${t(0)}, ${u(0)}, '2025-05-01T10:00Z'), (${t(0)}, ${u(0)}, '2025-05-02T10:00Z'),
       (${t(0)}, ${u(0)}, '2025-05-09T10:00Z'), (${t(0)}, ${u(1)}, '2025-05-02T11:00Z'),
       (${t(1)}, ${u(2)}, '2025-05-02T12:00Z')`,
    `INSERT INTO host_feature_use VALUES
       (${t(0)}, ${u(0)}, 'file_upload', '2025-05-01T11:00Z'), (${t(0)}, ${u(1)}, 'other_action', '2025-05-02T11:30Z'),
       (${t(1)}, ${u(2)}, 'report_generate', '2025-05-12T10:00Z')`,
    `INSERT INTO host_job VALUES
       (${t(0)}, 'succeeded', '2025-05-01T10:00:00Z', '2025-05-01T10:00:30Z'),
       (${t(0)}, 'failed', '2025-05-01T11:00:00Z', '2025-05-01T11:01:00Z'),
       (${t(1)}, 'succeeded', '2025-05-02T09:00:00Z', '2025-05-02T09:00:10Z')`,
    `INSERT INTO host_llm_call VALUES
       (${t(0)}, 'gpt', 100, 50, 0.015, '2025-05-01T12:00Z'), (${t(0)}, 'gpt', 200, 100, 0.03, '2025-05-01T13:00Z'),
       (${t(1)}, 'claude', 1000, 500, 0.2, '2025-05-02T13:00Z')`,
    `INSERT INTO host_api_minute VALUES
       (${t(0)}, '2025-05-01T10:00Z', 10, 1, 2, 500, ${histogram(5, 10)}),
       (${t(1)}, '2025-05-02T10:00Z', 4, 0, 0, 100, ${histogram(4, 4)})`,
  ];
}

/** The `sources` option and the SQL that creates its views and tables, for one form per source. */
export function hostSources(forms: Record<SourceName, RelationForm>): {
  sources: Record<SourceName, string>;
  setupSql: string[];
} {
  const sources = {} as Record<SourceName, string>;
  const setupSql: string[] = [];
  for (const [name, form] of Object.entries(forms) as [SourceName, RelationForm][]) {
    if (form === 'select') {
      sources[name] = `(${RENAMING[name]})`;
    } else {
      sources[name] = `host_${name}_${form}`;
      setupSql.push(`CREATE ${form === 'view' ? 'VIEW' : 'TABLE'} host_${name}_${form} AS ${RENAMING[name]}`);
    }
  }
  return { sources, setupSql };
}
