import { EVENT_TYPES, TENANT_PATTERN, type MetricsEvent } from '@exec-metrics/metrics';
import { generateDemoEvents } from './demo-data.js';

describe('demo data', () => {
  const options = { endDate: '2025-12-31', months: 12 };
  let events: MetricsEvent[];

  beforeAll(() => {
    events = generateDemoEvents(options);
  });

  it('is the same for the same seed, and different for another', () => {
    expect(JSON.stringify(generateDemoEvents(options))).toBe(JSON.stringify(events));
    expect(generateDemoEvents({ ...options, seed: 7 }).length).not.toBe(events.length);
  });

  it('has a realistic size and every event type', () => {
    const perType: Record<string, number> = {};
    for (const event of events) perType[event.type] = (perType[event.type] ?? 0) + 1;
    console.log(`demo data: ${events.length} events`, perType);
    expect(events.length).toBeGreaterThan(80_000);
    expect(events.length).toBeLessThan(250_000);
    const types = new Set(events.map((event) => event.type));
    expect([...types].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('only holds valid events inside the history window', () => {
    const end = Date.parse('2026-01-01T00:00:00Z');
    const invalid = events.filter(
      (event) =>
        typeof event.at !== 'string' ||
        !event.at.endsWith('Z') ||
        Date.parse(event.at) >= end ||
        event.tenant === null ||
        !TENANT_PATTERN.test(event.tenant),
    );
    expect(invalid).toEqual([]);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });

  it('never shows a user before signup or while deactivated', () => {
    const byUser = new Map<string, MetricsEvent[]>();
    for (const event of events) {
      if (!('user' in event) || !event.user) continue;
      const key = `${event.tenant}/${event.user}`;
      const list = byUser.get(key) ?? [];
      list.push(event);
      byUser.set(key, list);
    }
    const violations: MetricsEvent[] = [];
    for (const userEvents of byUser.values()) {
      userEvents.sort((a, b) => Date.parse(a.at as string) - Date.parse(b.at as string));
      if (userEvents[0].type !== 'signup') violations.push(userEvents[0]);
      let active = true;
      for (const event of userEvents.slice(1)) {
        if (event.type === 'deactivate') active = false;
        else if (event.type === 'reactivate') active = true;
        else if (['login', 'activity', 'activation'].includes(event.type) && !active) violations.push(event);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has more signups on weekdays than at weekends', () => {
    const perDay = [0, 0];
    for (const event of events.filter((e) => e.type === 'signup')) {
      perDay[[0, 6].includes(new Date(event.at).getUTCDay()) ? 1 : 0] += 1;
    }
    expect(perDay[0] / 5).toBeGreaterThan((perDay[1] / 2) * 2);
  });
});
