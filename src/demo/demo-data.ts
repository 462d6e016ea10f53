import type { MetricsEvent } from '@exec-metrics/metrics';
import { DemoRandom } from './demo-random.js';

export interface DemoDataOptions {
  /** Last day of history (UTC), YYYY-MM-DD. */
  endDate: string;
  months?: number;
  tenants?: string[];
  seed?: number;
  activationActions?: string[];
}

const DAY = 86_400_000;
/** Users are power, regular or casual: how often they come back, and how fast they drift away. */
const PROFILES = [
  { share: 0.15, weekday: 0.85, weekend: 0.3, halfLifeDays: 400 },
  { share: 0.35, weekday: 0.45, weekend: 0.1, halfLifeDays: 120 },
  { share: 0.5, weekday: 0.15, weekend: 0.03, halfLifeDays: 30 },
];
const TENANT_WEIGHTS = [0.6, 0.3, 0.1];
const JOBS = ['report_export', 'sync_calendar', 'send_digest', 'reindex_search', 'import_csv'];
const MODELS = [
  { model: 'gpt-4o-mini', inPerM: 0.15, outPerM: 0.6, weight: 0.6 },
  { model: 'claude-sonnet', inPerM: 3, outPerM: 15, weight: 0.25 },
  { model: 'text-embedding', inPerM: 0.02, outPerM: 0, weight: 0.15 },
];
const ROUTES = [
  'GET /api/projects',
  'GET /api/projects/:id',
  'POST /api/worklogs',
  'GET /api/reports',
  'POST /api/files',
];

/** An event as the simulation builds it: the instant as epoch milliseconds, the id added on the way out. */
type DemoEvent = MetricsEvent extends infer E
  ? E extends MetricsEvent
    ? Omit<E, 'id' | 'at'> & { at: number }
    : never
  : never;

class DemoHistory {
  readonly events: MetricsEvent[] = [];
  private sequence = 0;

  constructor(
    readonly random: DemoRandom,
    readonly start: number,
    readonly end: number,
  ) {}

  add(event: DemoEvent): void {
    if (event.at >= this.end || event.at < this.start) return;
    this.sequence += 1;
    this.events.push({ ...event, id: `demo-${this.sequence}`, at: new Date(event.at).toISOString() });
  }

  /** An instant during working hours (UTC) of the day starting at `day`. */
  during(day: number): number {
    return day + this.random.int(7, 19) * 3_600_000 + this.random.int(0, 3_599_999);
  }
}

function simulateUser(history: DemoHistory, tenant: string, user: string, signupAt: number, actions: string[]): void {
  const { random } = history;
  const profile = random.next() < PROFILES[0].share ? PROFILES[0] : random.next() < 0.41 ? PROFILES[1] : PROFILES[2];
  history.add({ type: 'signup', at: signupAt, tenant, user });
  if (random.chance(0.4)) {
    history.add({ type: 'trial_started', at: signupAt + 60_000, tenant, user });
    if (random.chance(0.35))
      history.add({ type: 'trial_converted', at: signupAt + random.int(7, 14) * DAY, tenant, user });
  }
  const activationDelay = random.chance(0.75) ? random.int(0, 6) : random.chance(0.4) ? random.int(8, 30) : null;
  let active = true;
  let comebackAt = Infinity;
  const signupDay = Math.floor(signupAt / DAY) * DAY;
  for (let day = signupDay, age = 0; day < history.end; day += DAY, age += 1) {
    let earliest = day;
    if (!active) {
      if (day < comebackAt) continue;
      active = true;
      earliest = history.during(day);
      history.add({ type: 'reactivate', at: earliest, tenant, user });
    }
    if (age > 14 && random.chance(0.0012)) {
      active = false;
      history.add({ type: 'deactivate', at: history.during(day), tenant, user });
      comebackAt = random.chance(0.25) ? day + random.int(10, 60) * DAY : Infinity;
      continue;
    }
    const weekend = [0, 6].includes(new Date(day).getUTCDay());
    const fading = Math.max(0.08, Math.pow(0.5, age / profile.halfLifeDays));
    const visits = age === 0 || earliest > day || random.chance((weekend ? profile.weekend : profile.weekday) * fading);
    if (!visits) continue;
    // A user comes back after signing up or being reactivated, never before.
    const at = age === 0 ? signupAt + 120_000 : earliest > day ? earliest + 60_000 : history.during(day);
    history.add({ type: 'login', at, tenant, user });
    if (random.chance(0.5)) history.add({ type: 'activity', at: at + random.int(1, 90) * 60_000, tenant, user });
    const firstAction = activationDelay !== null && age === activationDelay;
    if (firstAction || (activationDelay !== null && age > activationDelay && random.chance(0.15))) {
      history.add({ type: 'activation', at: at + 5 * 60_000, tenant, user, action: random.pick(actions) });
    }
  }
}

function simulateOperations(
  history: DemoHistory,
  tenant: string,
  weight: number,
  growth: (day: number) => number,
): void {
  const { random } = history;
  for (let day = history.start; day < history.end; day += DAY) {
    const scale = weight * growth(day);
    const badDay = random.chance(1 / 30);
    for (let n = random.count(40 * scale); n > 0; n -= 1) {
      const finished = history.during(day);
      const duration = Math.round(random.logNormal(45, 0.9) * 1000);
      const failed = random.chance(badDay ? 0.25 : 0.04);
      history.add({
        type: 'job',
        at: finished,
        tenant,
        job: random.pick(JOBS),
        status: failed ? 'failed' : 'succeeded',
        started_at: new Date(finished - duration).toISOString(),
      });
    }
    for (let n = random.count(25 * scale); n > 0; n -= 1) {
      const pricing = random.next() < MODELS[0].weight ? MODELS[0] : random.next() < 0.62 ? MODELS[1] : MODELS[2];
      const input = random.int(200, 4000);
      const output = pricing.outPerM === 0 ? 0 : random.int(50, 1000);
      const cost = (input * pricing.inPerM + output * pricing.outPerM) / 1_000_000;
      history.add({
        type: 'ai_usage',
        at: history.during(day),
        tenant,
        model: pricing.model,
        input_tokens: input,
        output_tokens: output,
        cost_usd: Number(cost.toFixed(6)),
      });
    }
    for (let n = random.count(150 * scale); n > 0; n -= 1) {
      const roll = random.next();
      const status = roll < (badDay ? 0.04 : 0.007) ? 503 : roll < 0.05 ? random.pick([400, 401, 404, 422]) : 200;
      history.add({
        type: 'api_request',
        at: history.during(day),
        tenant,
        status,
        duration_ms: Math.round(random.logNormal(status >= 500 ? 400 : 70, 0.7) * 10) / 10,
        route: random.pick(ROUTES),
      });
    }
  }
}

/**
 * Months of realistic SaaS history for a few tenants of different sizes: signups growing with weekly
 * seasonality, power/regular/casual users whose activity fades, churn and comebacks, trials, key actions,
 * background jobs with occasional bad days, AI usage per model and API traffic.
 */
export function generateDemoEvents(options: DemoDataOptions): MetricsEvent[] {
  const end = Date.parse(`${options.endDate}T00:00:00Z`) + DAY;
  const startDate = new Date(end - DAY);
  startDate.setUTCMonth(startDate.getUTCMonth() - (options.months ?? 12));
  const start = Date.UTC(startDate.getUTCFullYear(), startDate.getUTCMonth(), startDate.getUTCDate());
  const tenants = options.tenants ?? ['acme', 'globex', 'initech'];
  const actions = options.activationActions ?? ['file_upload', 'worklog_create', 'report_generate'];
  const history = new DemoHistory(new DemoRandom(options.seed ?? 42), start, end);
  const growth = (day: number) => 0.6 + (0.8 * (day - start)) / (end - start);

  tenants.forEach((tenant, index) => {
    const weight = TENANT_WEIGHTS[index] ?? 0.1;
    let users = 0;
    for (let day = start; day < end; day += DAY) {
      const weekend = [0, 6].includes(new Date(day).getUTCDay());
      const signups = history.random.count(5 * weight * growth(day) * (weekend ? 0.35 : 1.2));
      for (let n = 0; n < signups; n += 1) {
        users += 1;
        const user = `u-${tenant}-${String(users).padStart(5, '0')}`;
        simulateUser(history, tenant, user, history.during(day), actions);
      }
    }
    simulateOperations(history, tenant, weight, growth);
  });
  return history.events;
}
