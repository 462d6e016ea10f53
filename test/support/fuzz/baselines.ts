/**
 * A valid request per operation (by `METHOD /path` without the route prefix), so that a single hostile field
 * is the only thing wrong with what the fuzzer sends and the refusal must name that field. Operations with
 * nothing required are absent (an empty query and no body is valid). Path ids name rows that do not exist, so
 * that a hostile query or header can never act on a real row. Several bodies: the one that already holds the
 * object a nested field belongs to is used (an email channel for `email.host`, a webhook channel for
 * `webhook.url`).
 */
export interface Baseline {
  query?: Record<string, string>;
  path?: Record<string, string>;
  headers?: Record<string, string>;
  bodies?: Record<string, unknown>[];
  /**
   * The baseline itself is refused for this reason, before any input is looked at (a webhook whose signature
   * the fuzzer cannot forge, a sync without a Stripe key): the refusal may name it instead.
   */
  refusedFor?: string;
}

const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
const RANGE = { start: '2025-01-01', end: '2025-01-31' };

export const BASELINES: Record<string, Baseline> = {
  'POST /events': {
    bodies: [
      { events: [{ type: 'activity', at: '2025-01-05T10:00:00Z', tenant: 'acme', user: 'u1' }] },
      {
        events: [{ type: 'activation', at: '2025-01-05T10:00:00Z', tenant: 'acme', user: 'u1', action: 'file_upload' }],
      },
      {
        events: [
          {
            type: 'job',
            at: '2025-01-05T10:00:00Z',
            started_at: '2025-01-05T09:59:00Z',
            tenant: null,
            job: 'nightly',
            status: 'succeeded',
          },
        ],
      },
      {
        events: [
          {
            type: 'ai_usage',
            id: 'fuzz-ai-1',
            at: '2025-01-05T10:00:00Z',
            tenant: 'acme',
            model: 'm',
            input_tokens: 1,
            output_tokens: 1,
            cost_usd: 0.01,
          },
        ],
      },
      {
        events: [
          { type: 'api_request', at: '2025-01-05T10:00:00Z', tenant: 'acme', status: 200, duration_ms: 5, route: '/x' },
        ],
      },
    ],
  },
  'POST /backfill': { bodies: [{ start: '2025-01-02', end: '2025-01-02', tenant: 'acme' }] },
  'GET /runs/{id}': { path: { id: MISSING_UUID } },
  'POST /runs/{id}/retry': { path: { id: MISSING_UUID } },
  'GET /summary': { query: RANGE },
  'GET /timeseries': { query: { ...RANGE, metric: 'dau' } },
  'GET /first-view': { query: { ...RANGE, metric: 'dau,mrr' } },
  'GET /export.csv': { query: RANGE },
  'PATCH /config': { bodies: [{ churn_spike_threshold_pct: 5 }] },
  'POST /tokens': { bodies: [{ name: 'fuzz', scope: 'ingest' }] },
  'DELETE /tokens/{id}': { path: { id: MISSING_UUID } },
  'POST /stripe/webhook': {
    headers: { 'stripe-signature': 't=1,v1=00' },
    bodies: [{ id: 'evt_1', type: 'x' }],
    refusedFor: 'stripe-signature',
  },
  'POST /stripe/sync': { refusedFor: 'stripe.secretKey' },
  'POST /revenue/entries': {
    bodies: [{ customer: 'fuzz-co', tenant: 'acme', mrr: 100, currency: 'USD', effective_date: '2025-01-01' }],
  },
  'POST /revenue/entries/batch': {
    bodies: [
      { entries: [{ customer: 'fuzz-co', tenant: 'acme', mrr: 100, currency: 'USD', effective_date: '2025-01-01' }] },
    ],
  },
  'GET /revenue/conventions/compare': { query: RANGE },
  'GET /revenue/reconciliation': { query: RANGE },
  'GET /revenue/customers/{id}': { path: { id: 'fuzz-missing-customer' } },
  'GET /revenue/movements': { query: { ...RANGE, movement: 'churn' } },
  'GET /tenants/ranking': { query: RANGE },
  'GET /annotations': { query: RANGE },
  'POST /annotations': { bodies: [{ day: '2025-01-10', label: 'Fuzz launch', tenant: 'acme' }] },
  'POST /alerts/{id}/acknowledge': { path: { id: '999999999' } },
  'POST /alerts/rules': { bodies: [{ name: 'fuzz rule', metric: 'dau', direction: 'below', warning: 10 }] },
  'PUT /alerts/rules/{id}': {
    path: { id: MISSING_UUID },
    bodies: [{ name: 'fuzz rule', metric: 'dau', direction: 'below', warning: 10 }],
  },
  'DELETE /alerts/rules/{id}': { path: { id: MISSING_UUID } },
  'POST /alerts/channels': { bodies: CHANNELS() },
  'PUT /alerts/channels/{id}': { path: { id: MISSING_UUID }, bodies: CHANNELS() },
  'DELETE /alerts/channels/{id}': { path: { id: MISSING_UUID } },
};

function CHANNELS(): Record<string, unknown>[] {
  return [
    { name: 'fuzz hook', type: 'webhook', webhook: { url: 'https://hooks.example.com/x', format: 'json' } },
    {
      name: 'fuzz mail',
      type: 'email',
      email: { host: 'smtp.example.com', port: 587, from: 'alerts@example.com', to: ['cto@example.com'] },
    },
  ];
}
