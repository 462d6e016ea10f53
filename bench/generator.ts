import { LATENCY_BUCKETS_MS } from '@exec-metrics/metrics';
import { seededRandom, weightedPicker } from './random.js';

/**
 * The bench's synthetic SaaS: tenants of Zipf-like sizes, users who sign up more and more over the years
 * (fewer on weekends and over the year-end holidays), some of them trialling, churning and coming back,
 * and their activity, key actions, jobs, AI usage and API traffic. Rows come out as COPY text lines.
 */
export interface BenchVolumes {
  tenants: number;
  users: number;
  activity: number;
  keyActions: number;
  jobs: number;
  ai: number;
  api: number;
  subscriptions: number;
}

/** Scale 1: what a 100-tenant SaaS accumulates in three years. */
export const SCALE_ONE: BenchVolumes = {
  tenants: 100,
  users: 200_000,
  activity: 20_000_000,
  keyActions: 2_000_000,
  jobs: 1_000_000,
  ai: 200_000,
  api: 500_000,
  subscriptions: 50_000,
};

export function volumesAt(scale: number): BenchVolumes {
  const at = (value: number, minimum: number) => Math.max(minimum, Math.round(value * scale));
  return {
    tenants: at(SCALE_ONE.tenants, 3),
    users: at(SCALE_ONE.users, 30),
    activity: at(SCALE_ONE.activity, 300),
    keyActions: at(SCALE_ONE.keyActions, 30),
    jobs: at(SCALE_ONE.jobs, 30),
    ai: at(SCALE_ONE.ai, 30),
    api: at(SCALE_ONE.api, 30),
    subscriptions: at(SCALE_ONE.subscriptions, 10),
  };
}

/** One source table's rows: `optional` tables are filled only when they exist (others' work in progress). */
export interface TableGenerator {
  table: string;
  columns: string[];
  optional?: boolean;
  rows(): Generator<string>;
}

export const KEY_ACTIONS = ['file_upload', 'worklog_create', 'report_generate'];
const OTHER_ACTION = 'settings_view';
const MODELS = ['gpt-4o', 'claude-sonnet', 'llama-3-70b'];
const ROUTES = ['GET /api/items', 'POST /api/items', 'GET /api/reports'];
const DAY_MS = 86_400_000;

const pad = (value: number) => String(value).padStart(3, '0');
export const tenantName = (index: number) => `t${pad(index + 1)}`;

export interface Population {
  start: string;
  days: number;
  volumes: BenchVolumes;
  tenantOf: Int32Array;
  signupDay: Int32Array;
  signupSecond: Int32Array;
  /** Last day the user can be active (their deactivation eve, or the last day). */
  activeUntil: Int32Array;
  lifecycle: { user: number; type: string; day: number; second: number }[];
  pickTenant: () => number;
  pickDay: () => number;
  dayWeight: Float64Array;
}

/** Day weights: growth over the years, quieter weekends, a year-end dip and a mild seasonal wave. */
function dayWeights(start: string, days: number): Float64Array {
  const first = Date.parse(`${start}T00:00:00Z`);
  const weights = new Float64Array(days);
  for (let day = 0; day < days; day += 1) {
    const date = new Date(first + day * DAY_MS);
    const weekday = date.getUTCDay();
    const month = date.getUTCMonth();
    const dayOfMonth = date.getUTCDate();
    const holiday = (month === 11 && dayOfMonth >= 20) || (month === 0 && dayOfMonth <= 2);
    const season = 1 + 0.1 * Math.sin((2 * Math.PI * (month * 30 + dayOfMonth)) / 365);
    weights[day] =
      (0.6 + (0.8 * day) / days) * (weekday === 0 || weekday === 6 ? 0.45 : 1) * (holiday ? 0.5 : 1) * season;
  }
  return weights;
}

export function buildPopulation(volumes: BenchVolumes, start: string, days: number, seed = 42): Population {
  const random = seededRandom(seed);
  const tenantWeights = Array.from({ length: volumes.tenants }, (_, rank) => 1 / Math.pow(rank + 1, 1.07));
  const pickTenant = weightedPicker(tenantWeights, random);
  const weights = dayWeights(start, days);
  const pickDay = weightedPicker(weights, random);
  const tenantOf = new Int32Array(volumes.users);
  const signupDay = new Int32Array(volumes.users);
  const signupSecond = new Int32Array(volumes.users);
  const activeUntil = new Int32Array(volumes.users);
  const lifecycle: Population['lifecycle'] = [];
  for (let user = 0; user < volumes.users; user += 1) {
    tenantOf[user] = pickTenant();
    const day = pickDay();
    // Seconds stay below 23:00 so a user's later same-day events (trial) still fall on the same day.
    const second = Math.floor(random() * 82_800);
    signupDay[user] = day;
    signupSecond[user] = second;
    activeUntil[user] = days - 1;
    lifecycle.push({ user, type: 'signup', day, second });
    if (random() < 0.3) {
      lifecycle.push({ user, type: 'trial_started', day, second: second + 60 });
      const converted = day + 1 + Math.floor(random() * 14);
      if (random() < 0.5 && converted < days) lifecycle.push({ user, type: 'trial_converted', day: converted, second });
    }
    if (random() < 0.25) {
      const deactivated = day + 7 + Math.floor(-Math.log(1 - random()) * 180);
      if (deactivated < days) {
        lifecycle.push({ user, type: 'deactivate', day: deactivated, second: Math.floor(random() * 86_000) });
        const reactivated = deactivated + 5 + Math.floor(-Math.log(1 - random()) * 60);
        if (random() < 0.3 && reactivated < days) {
          lifecycle.push({ user, type: 'reactivate', day: reactivated, second: Math.floor(random() * 86_000) });
        } else {
          activeUntil[user] = deactivated - 1;
        }
      }
    }
  }
  return {
    start,
    days,
    volumes,
    tenantOf,
    signupDay,
    signupSecond,
    activeUntil,
    lifecycle,
    pickTenant,
    pickDay,
    dayWeight: weights,
  };
}

/** The source tables' generators, in load order; each draws from its own seed so adding one changes no other. */
export function tableGenerators(population: Population): TableGenerator[] {
  const { volumes, tenantOf, signupDay, activeUntil } = population;
  const first = Date.parse(`${population.start}T00:00:00Z`);
  const at = (day: number, second: number) => new Date(first + day * DAY_MS + second * 1000).toISOString();
  const maxWeight = Math.max(...population.dayWeight);
  const seeded = (seed: number) => seededRandom(seed);

  /** A day of the user's active life, following the day weights (rejection sampling, bounded tries). */
  const activeDay = (random: () => number, user: number, firstWeek = false) => {
    const from = signupDay[user];
    const until = firstWeek ? Math.min(activeUntil[user], from + 6) : activeUntil[user];
    let day = from;
    for (let attempt = 0; attempt < 4; attempt += 1) {
      day = from + Math.floor(random() * (Math.max(until, from) - from + 1));
      if (random() * maxWeight < population.dayWeight[day]) break;
    }
    return day;
  };
  /** Heavy users: a skewed pick, so a few users make most of the events. */
  const pickUser = (random: () => number) => Math.floor(volumes.users * Math.pow(random(), 1.6));

  return [
    {
      table: 'metrics_lifecycle_event',
      columns: ['tenant_id', 'user_id', 'type', 'occurred_at'],
      *rows() {
        for (const event of population.lifecycle) {
          yield `${tenantName(tenantOf[event.user])}\tu${event.user}\t${event.type}\t${at(event.day, event.second)}\n`;
        }
      },
    },
    {
      table: 'metrics_activity_event',
      columns: ['tenant_id', 'user_id', 'type', 'occurred_at'],
      *rows() {
        const random = seeded(101);
        for (let index = 0; index < volumes.activity; index += 1) {
          const user = pickUser(random);
          const day = activeDay(random, user);
          const second = day === signupDay[user] ? population.signupSecond[user] + 120 : Math.floor(random() * 86_400);
          const type = random() < 0.2 ? 'login' : 'activity';
          yield `${tenantName(tenantOf[user])}\tu${user}\t${type}\t${at(day, Math.min(second, 86_399))}\n`;
        }
      },
    },
    {
      table: 'system_activation_event',
      columns: ['tenant_id', 'user_id', 'action', 'occurred_at'],
      *rows() {
        const random = seeded(202);
        for (let index = 0; index < volumes.keyActions; index += 1) {
          const user = pickUser(random);
          const day = activeDay(random, user, random() < 0.3);
          const action = random() < 0.1 ? OTHER_ACTION : KEY_ACTIONS[Math.floor(random() * KEY_ACTIONS.length)];
          const second = day === signupDay[user] ? population.signupSecond[user] + 300 : Math.floor(random() * 86_400);
          yield `${tenantName(tenantOf[user])}\tu${user}\t${action}\t${at(day, Math.min(second, 86_399))}\n`;
        }
      },
    },
    {
      table: 'metrics_job_event',
      columns: ['tenant_id', 'job', 'status', 'started_at', 'finished_at'],
      *rows() {
        const random = seeded(303);
        const pickTenant = weightedPicker(
          Array.from({ length: volumes.tenants }, (_, rank) => 1 / Math.pow(rank + 1, 1.07)),
          random,
        );
        const pickDay = weightedPicker(population.dayWeight, random);
        for (let index = 0; index < volumes.jobs; index += 1) {
          const day = pickDay();
          const finished = 600 + Math.floor(random() * 85_000);
          const duration = 1 + Math.floor(random() * 599);
          const status = random() < 0.95 ? 'succeeded' : 'failed';
          yield `${tenantName(pickTenant())}\tjob-${index % 17}\t${status}\t${at(day, finished - duration)}\t${at(day, finished)}\n`;
        }
      },
    },
    {
      table: 'metrics_ai_usage_event',
      columns: ['tenant_id', 'user_id', 'model', 'input_tokens', 'output_tokens', 'cost_usd', 'occurred_at'],
      *rows() {
        const random = seeded(404);
        for (let index = 0; index < volumes.ai; index += 1) {
          const user = pickUser(random);
          const day = activeDay(random, user);
          const input = 100 + Math.floor(random() * 4000);
          const output = 50 + Math.floor(random() * 1500);
          const cost = ((input + output * 3) * 0.000002).toFixed(6);
          const model = MODELS[Math.floor(random() * MODELS.length)];
          yield `${tenantName(tenantOf[user])}\tu${user}\t${model}\t${input}\t${output}\t${cost}\t${at(day, Math.floor(random() * 86_400))}\n`;
        }
      },
    },
    {
      table: 'metrics_api_request_rollup',
      columns: [
        'tenant_id',
        'minute',
        'route',
        'requests',
        'client_errors',
        'server_errors',
        'latency_sum_ms',
        'latency_histogram',
      ],
      *rows() {
        const random = seeded(505);
        const pickTenant = weightedPicker(
          Array.from({ length: volumes.tenants }, (_, rank) => 1 / Math.pow(rank + 1, 1.07)),
          random,
        );
        const pickDay = weightedPicker(population.dayWeight, random);
        for (let index = 0; index < volumes.api; index += 1) {
          const requests = 1 + Math.floor(random() * 40);
          const histogram = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
          let latency = 0;
          for (let request = 0; request < requests; request += 1) {
            const ms = Math.floor(5 + -Math.log(1 - random()) * 80);
            latency += ms;
            const bucket = LATENCY_BUCKETS_MS.findIndex((limit) => ms <= limit);
            histogram[bucket === -1 ? LATENCY_BUCKETS_MS.length : bucket] += 1;
          }
          const serverErrors = random() < 0.05 ? 1 : 0;
          const clientErrors = random() < 0.1 ? 1 : 0;
          // Each row its own minute slot per route: a rollup row is unique per tenant, minute and route.
          const minute = at(pickDay(), Math.floor(random() * 1440) * 60);
          const route = `${ROUTES[index % ROUTES.length]}/${index}`;
          yield `${tenantName(pickTenant())}\t${minute}\t${route}\t${requests}\t${clientErrors}\t${serverErrors}\t${latency}\t{${histogram.join(',')}}\n`;
        }
      },
    },
    ...subscriptionGenerators(population),
  ];
}

/**
 * Billing: one customer per subscription (in a user's tenant) and the revenue ledger the webhooks would have
 * built: each subscription starts paying at its start, a tenth of them upgrade once, a fifth cancel.
 */
function subscriptionGenerators(population: Population): TableGenerator[] {
  const { volumes, tenantOf, signupDay, days } = population;
  const first = Date.parse(`${population.start}T00:00:00Z`);
  const iso = (day: number) => new Date(first + day * DAY_MS + 36_000_000).toISOString();
  // Both tables walk the same seeded sequence, so customer i is the owner of subscription i.
  const subscriptions = function* () {
    const random = seededRandom(606);
    for (let index = 0; index < volumes.subscriptions; index += 1) {
      const user = Math.floor(random() * volumes.users);
      const started = Math.min(signupDay[user] + Math.floor(random() * 30), days - 1);
      const canceled = random() < 0.2 ? started + 30 + Math.floor(random() * 400) : days;
      const upgraded = random() < 0.1 ? started + 15 + Math.floor(random() * 200) : days;
      const amount = [29, 99, 299][Math.floor(random() * 3)];
      yield { index, tenant: tenantName(tenantOf[user]), started, canceled, upgraded, amount };
    }
  };
  return [
    {
      table: 'metrics_billing_customer',
      columns: ['id', 'tenant_id', 'source'],
      *rows() {
        for (const sub of subscriptions()) yield `cus_${sub.index}\t${sub.tenant}\tstripe\n`;
      },
    },
    {
      table: 'metrics_revenue_ledger',
      columns: ['customer_id', 'subscription_id', 'effective_at', 'seq', 'status', 'currency', 'mrr', 'cause'],
      *rows() {
        for (const sub of subscriptions()) {
          const row = (day: number, seq: number, status: string, mrr: number, cause: string) =>
            `cus_${sub.index}\tsub_${sub.index}\t${iso(day)}\t${seq}\t${status}\tUSD\t${mrr}\t${cause}\n`;
          yield row(sub.started, 0, 'active', sub.amount, 'created');
          if (sub.upgraded < Math.min(sub.canceled, days))
            yield row(sub.upgraded, 1, 'active', sub.amount * 2, 'updated');
          if (sub.canceled < days) yield row(sub.canceled, 2, 'canceled', 0, 'deleted');
        }
      },
    },
  ];
}
