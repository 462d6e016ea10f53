import type { OpenAPIObject } from '@nestjs/swagger';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LATENCY_BUCKETS_MS, METRIC_CATALOG, type MetricDefinition } from '@exec-metrics/metrics';
import { renderApiReference } from './api-reference.js';
import { renderMetricReference } from './metric-reference.js';
import { staleFiles, writeFiles } from './reference-files.js';

const SIGNUPS: MetricDefinition = {
  key: 'new_customers',
  label: 'New users',
  unit: 'count',
  kind: 'flow',
  group: 'users',
  source: 'lifecycle',
  column: 'integer',
  daily: { fact: 'signups' },
  description: 'Signups during the period.',
};
const BASE: MetricDefinition = {
  ...SIGNUPS,
  key: 'customers_at_start',
  label: 'Customers at start',
  kind: 'opening',
  daily: { previousDay: 'total_customers' },
  internal: true,
  description: 'The churn rate denominator.',
};
const NRR: MetricDefinition = {
  key: 'nrr',
  label: 'Net revenue retention',
  unit: 'percent',
  kind: 'ratio',
  group: 'revenue',
  source: 'billing',
  column: 'numeric(12,2)',
  daily: { derived: true },
  ratio: { numerator: 'mrr_retained_change', denominator: 'mrr_at_start', scale: 100, decimals: 2, retention: 'add' },
  description: 'Retained | expanded.',
};

describe('metric reference', () => {
  const page = renderMetricReference([SIGNUPS, BASE, NRR], [5, 10]);

  it('writes one row per metric from the catalog entry alone, internal components apart', () => {
    const lines = page.split('\n');
    expect(lines).toContain(
      '| `new_customers` | New users | count | flow: sum of the days | lifecycle | fact `signups` | `integer` | Signups during the period. |',
    );
    expect(lines).toContain(
      '| `nrr` | Net revenue retention | percent | ratio: recomputed from its components | billing | ' +
        '(`mrr_at_start` + `mrr_retained_change`) ÷ `mrr_at_start` × 100 (2 decimals) | `numeric(12,2)` | Retained \\| expanded. |',
    );
    const internal = lines.indexOf('## Internal components');
    expect(lines.findIndex((line) => line.startsWith('| `customers_at_start`'))).toBeGreaterThan(internal);
    expect(lines.filter((line) => line.startsWith('## '))).toEqual([
      '## users',
      '## revenue',
      '## Internal components',
      '## Latency histogram',
    ]);
    expect(page).toContain('in ms (the last bucket is open-ended): 5, 10.');
  });

  it('changes when a catalog label changes, so a stale page is caught', () => {
    const metric = METRIC_CATALOG.find((candidate) => !candidate.internal)!;
    const before = renderMetricReference(METRIC_CATALOG, LATENCY_BUCKETS_MS);
    const renamed = METRIC_CATALOG.map((candidate) =>
      candidate === metric ? { ...candidate, label: 'Renamed in memory' } : candidate,
    );
    const after = renderMetricReference(renamed, LATENCY_BUCKETS_MS);
    expect(after).not.toEqual(before);
    expect(after).toContain(`| \`${metric.key}\` | Renamed in memory |`);
    expect(before).toContain(`| \`${metric.key}\` | ${metric.label} |`);
  });

  it('lists every metric of the real catalog exactly once', () => {
    const page = renderMetricReference(METRIC_CATALOG, LATENCY_BUCKETS_MS);
    for (const metric of METRIC_CATALOG) {
      expect(page.split(`\n| \`${metric.key}\` |`).length - 1).toBe(1);
    }
  });
});

const DOCUMENT: OpenAPIObject = {
  openapi: '3.0.0',
  info: { title: 'Exec Metrics', version: '1' },
  paths: {
    '/api/system/metrics/backfill': {
      post: {
        summary: 'Compute a range',
        tags: ['metrics: compute'],
        security: [{ bearer: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/BackfillDto' } } },
        },
        responses: { '400': { description: 'A parameter is invalid' }, '202': { description: 'The run' } },
      },
    },
    '/api/system/metrics/summary': {
      get: {
        summary: 'Every metric | over a range',
        tags: ['metrics: read'],
        security: [{ bearer: [] }],
        parameters: [
          {
            name: 'start',
            in: 'query',
            required: true,
            description: 'First day',
            schema: { type: 'string', format: 'date' },
          },
          {
            name: 'bucket',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['daily', 'weekly'], default: 'daily' },
          },
        ],
        responses: { '200': { description: '' } },
      },
    },
    '/metrics': {
      get: { summary: 'Prometheus', tags: ['metrics: prometheus'], responses: { '200': { description: '' } } },
    },
  },
  components: {
    schemas: {
      BackfillDto: {
        type: 'object',
        required: ['start'],
        properties: { start: { type: 'string', format: 'date', description: 'First day' }, tenant: { type: 'string' } },
      },
    },
  },
};

describe('API reference', () => {
  const page = renderApiReference(DOCUMENT);
  const lines = page.split('\n');

  it('lists every operation with its parameters, body fields (references followed), answers and auth', () => {
    expect(lines).toContain(
      '| metrics: compute | [POST /api/system/metrics/backfill](#post-apisystemmetricsbackfill) | Compute a range | `bearer` |',
    );
    expect(lines).toContain(
      '| metrics: prometheus | [GET /metrics](#get-metrics) | Prometheus | none in the document |',
    );
    expect(lines).toContain('| `start` | query | yes | string (date) | First day |');
    expect(lines).toContain('| `bucket` | query | no | daily \\| weekly, default "daily" |  |');
    expect(lines).toContain('Body (`application/json`, `BackfillDto`, required):');
    expect(lines).toContain('| `start` | string (date) | yes | First day |');
    expect(lines).toContain('| `tenant` | string | no |  |');
    expect(lines).toContain('Answers: `202` The run; `400` A parameter is invalid.');
    expect(lines.filter((line) => line.startsWith('## '))).toEqual([
      '## metrics: compute',
      '## metrics: prometheus',
      '## metrics: read',
    ]);
  });

  it('changes when the document changes, so a renamed route or summary is caught', () => {
    const renamed = structuredClone(DOCUMENT);
    renamed.paths['/api/system/metrics/summary'].get!.summary = 'Renamed in memory';
    const after = renderApiReference(renamed);
    expect(after).not.toEqual(page);
    expect(after).toContain('### GET /api/system/metrics/summary\n\nRenamed in memory\n');
  });
});

describe('staleness check', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'docs-check-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('names the pages whose committed content differs or is missing', async () => {
    const files = [
      { path: 'docs/reference/metrics.md', content: '# Metrics\n' },
      { path: 'docs/reference/api.md', content: '# API\n' },
    ];
    await writeFiles(root, files);
    expect(await staleFiles(root, files)).toEqual([]);
    await writeFile(join(root, 'docs/reference/api.md'), '# API, edited by hand\n');
    expect(await staleFiles(root, files)).toEqual(['docs/reference/api.md']);
    await rm(join(root, 'docs/reference/metrics.md'));
    expect(await staleFiles(root, files)).toEqual(['docs/reference/metrics.md', 'docs/reference/api.md']);
  });
});
