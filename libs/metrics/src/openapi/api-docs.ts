import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';
import { EVENT_TYPES, MAX_EVENTS_PER_BATCH, TENANT_PATTERN } from '../common/event.types.js';

const ERROR: SchemaObject = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string' },
          message: { type: 'string' },
          index: { type: 'integer', nullable: true },
        },
      },
    },
  },
};

/** The answers every metrics route may give besides its own: bad input, no credentials, not an admin, too many. */
export const ApiMetricsErrors = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiBadRequestResponse({ description: 'A parameter is invalid; `errors` names each one and why', schema: ERROR }),
    ApiUnauthorizedResponse({ description: 'No or unknown credentials' }),
    ApiForbiddenResponse({ description: 'Not an admin (or an ingest-only token on an admin route)' }),
    ApiTooManyRequestsResponse({ description: 'Rate limit reached' }),
  );

/** Every public metric of the catalog as a nullable number, with its description. */
export const METRIC_VALUES_SCHEMA: SchemaObject = {
  type: 'object',
  properties: Object.fromEntries(
    PUBLIC_METRICS.map((metric) => [
      metric.key,
      {
        type: 'number',
        nullable: true,
        description: `${metric.label} (${metric.unit}, ${metric.kind}): ${metric.description}`,
      },
    ]),
  ),
};

const AI_BREAKDOWN_SCHEMA: SchemaObject = {
  type: 'object',
  nullable: true,
  description: 'Per model: tokens, cost_usd (4 decimals), requests',
  additionalProperties: {
    type: 'object',
    properties: { tokens: { type: 'integer' }, cost_usd: { type: 'number' }, requests: { type: 'integer' } },
  },
};
const ACTIVATION_BREAKDOWN_SCHEMA: SchemaObject = {
  type: 'object',
  nullable: true,
  description: 'Per key action: distinct users',
  additionalProperties: { type: 'integer' },
};
const BREAKDOWNS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: { ai: AI_BREAKDOWN_SCHEMA, activation: ACTIVATION_BREAKDOWN_SCHEMA },
};

export const SUMMARY_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    range: {
      type: 'object',
      properties: {
        start: { type: 'string', format: 'date' },
        end: { type: 'string', format: 'date' },
        tenant: { type: 'string', nullable: true },
        bucket: { type: 'string', enum: ['daily', 'weekly', 'monthly'] },
        days: { type: 'integer', description: 'Days in the range' },
        days_with_data: {
          type: 'integer',
          description: 'Days with a daily snapshot (a comparison with this period needs at least 90 % of its days)',
        },
      },
    },
    metrics: { ...METRIC_VALUES_SCHEMA, description: 'Every metric aggregated over the range by its kind' },
    per: {
      type: 'object',
      description:
        'The period of each churn rate: month (average monthly rate, for a range longer than one calendar month) or range',
      additionalProperties: { type: 'string', enum: ['month', 'range'] },
    },
    breakdowns: BREAKDOWNS_SCHEMA,
    latest: {
      type: 'object',
      nullable: true,
      properties: {
        bucket_type: { type: 'string' },
        bucket_date: { type: 'string', format: 'date' },
        computed_at: { type: 'string', format: 'date-time' },
        metrics: METRIC_VALUES_SCHEMA,
        breakdowns: BREAKDOWNS_SCHEMA,
      },
    },
    alerts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          metric: { type: 'string' },
          value: { type: 'number' },
          threshold: { type: 'number' },
          severity: { type: 'string', enum: ['warning', 'critical'] },
          bucket_type: { type: 'string' },
          bucket_date: { type: 'string', format: 'date' },
          tenant: { type: 'string', nullable: true },
          message: { type: 'string' },
          kind: { type: 'string', enum: ['threshold', 'anomaly'] },
          id: { type: 'string', description: 'The stored alert (GET alerts), when there is one' },
          status: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] },
          expected: { type: 'number', description: 'Anomalies: the expected value (also given as threshold)' },
        },
      },
    },
    unavailable: { type: 'object', additionalProperties: { type: 'string' }, description: 'Why some metrics are null' },
  },
};

export const TIMESERIES_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    bucket: { type: 'string', enum: ['daily', 'weekly', 'monthly'] },
    per: { type: 'string', enum: ['day', 'week', 'month'], description: 'The period of the churn rates' },
    series: {
      type: 'object',
      additionalProperties: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            date: { type: 'string', format: 'date' },
            value: { type: 'number', nullable: true },
            complete: { type: 'boolean', description: 'false while the bucket has not ended (to date)' },
          },
        },
      },
    },
    breakdowns: {
      type: 'object',
      description: 'Only with ?breakdown=ai, activation or plan (comma list): one point per bucket',
      properties: {
        plan: {
          type: 'array',
          description: 'MRR per plan (Stripe price, `manual` for manual entries) at the end of each bucket',
          items: {
            type: 'object',
            properties: {
              date: { type: 'string' },
              value: { type: 'object', additionalProperties: { type: 'number' }, nullable: true },
            },
          },
        },
        ai: {
          type: 'array',
          items: { type: 'object', properties: { date: { type: 'string' }, value: AI_BREAKDOWN_SCHEMA } },
        },
        activation: {
          type: 'array',
          items: { type: 'object', properties: { date: { type: 'string' }, value: ACTIVATION_BREAKDOWN_SCHEMA } },
        },
      },
    },
  },
};

const PCT = { type: 'number', nullable: true } as const;
const COUNT = { type: 'integer', nullable: true } as const;
export const COHORTS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    cohorts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          cohort_month: { type: 'string', format: 'date' },
          cohort_size: { type: 'integer' },
          week_1_retained: COUNT,
          week_1_pct: PCT,
          week_4_retained: COUNT,
          week_4_pct: PCT,
          week_12_retained: COUNT,
          week_12_pct: PCT,
          curve: {
            type: 'array',
            description: 'Weeks 0..26; null until the week has matured for the whole cohort',
            items: { type: 'object', properties: { week: { type: 'integer' }, retained: COUNT, pct: PCT } },
          },
          computed_at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};

export const RUN_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    run_id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
    done: { type: 'integer' },
    total: { type: 'integer' },
    error: { type: 'string' },
    trigger: { type: 'string' },
    start: { type: 'string', format: 'date' },
    end: { type: 'string', format: 'date' },
    tenant: { type: 'string', nullable: true },
  },
};

/** POST events: the union of the event shapes of docs/host-integration.md ("Event types"). */
export const EVENTS_BODY_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['events'],
  properties: {
    events: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_EVENTS_PER_BATCH,
      items: {
        type: 'object',
        required: ['type', 'at', 'tenant'],
        properties: {
          type: { type: 'string', enum: [...EVENT_TYPES] },
          id: { type: 'string', maxLength: 128, description: 'Idempotency key: a repeated id is skipped' },
          at: { type: 'string', format: 'date-time', description: 'ISO-8601 with a zone offset or Z' },
          tenant: { type: 'string', nullable: true, pattern: TENANT_PATTERN.source },
          user: { type: 'string', description: 'user events and activation (optional for ai_usage)' },
          action: { type: 'string', description: 'activation: one of the configured key actions' },
          job: { type: 'string' },
          status: { oneOf: [{ type: 'string', enum: ['succeeded', 'failed'] }, { type: 'integer' }] },
          started_at: { type: 'string', format: 'date-time' },
          model: { type: 'string' },
          input_tokens: { type: 'integer', minimum: 0 },
          output_tokens: { type: 'integer', minimum: 0 },
          cost_usd: {
            type: 'number',
            minimum: 0,
            description: 'ai_usage: optional when the configuration prices the model (ai_prices); required otherwise',
          },
          duration_ms: { type: 'number', minimum: 0 },
          route: { type: 'string' },
        },
      },
    },
  },
};
