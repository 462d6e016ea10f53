import { ApiRollupAccumulator, latencySlot } from './api-rollup.js';

const at = (minute: number, second = 0) => Date.UTC(2025, 5, 3, 12, minute, second);

describe('ApiRollupAccumulator', () => {
  it('adds requests per tenant, minute and route, with the status classes and the histogram', () => {
    const rollups = new ApiRollupAccumulator();
    rollups.add({ tenant: 'a', at: at(0, 1), route: 'GET /x', status: 200, durationMs: 4 });
    rollups.add({ tenant: 'a', at: at(0, 59), route: 'GET /x', status: 404, durationMs: 30.256 });
    rollups.add({ tenant: 'a', at: at(0, 30), route: 'GET /x', status: 503, durationMs: 40000 });
    rollups.add({ tenant: null, at: at(0, 30), route: 'GET /x', status: 200, durationMs: 5 });
    rollups.add({ tenant: 'a', at: at(1), route: 'GET /x', status: 200, durationMs: 5 });
    expect(rollups.size).toBe(3);
    const rows = rollups.drain();
    expect(rollups.size).toBe(0);
    const histogram = new Array<number>(19).fill(0);
    histogram[latencySlot(4)] += 1; // [0, 5)
    histogram[latencySlot(30.256)] += 1; // [25, 50)
    histogram[latencySlot(40000)] += 1; // ≥ 30 s
    expect(rows[0]).toEqual({
      tenant_id: 'a',
      minute: '2025-06-03T12:00:00.000Z',
      route: 'GET /x',
      requests: 3,
      client_errors: 1,
      server_errors: 1,
      latency_sum_ms: 40034.26, // 4 + 30.256 + 40000 = 40034.256, two decimals as stored
      histogram,
    });
    expect(rows.map((row) => [row.tenant_id, row.minute.slice(11, 16), row.requests])).toEqual([
      ['a', '12:00', 3],
      [null, '12:00', 1],
      ['a', '12:01', 1],
    ]);
  });

  it('takes rows back after a failed write and drops the oldest minutes beyond a bound', () => {
    const rollups = new ApiRollupAccumulator();
    for (let minute = 0; minute < 4; minute += 1) {
      for (let index = 0; index <= minute; index += 1) {
        rollups.add({ tenant: 't', at: at(minute), route: `GET /r${index % 2}`, status: 200, durationMs: 1 });
      }
    }
    // Minute 0: 1 row (1 request); 1: 2 rows (2); 2: 2 rows (3); 3: 2 rows (4).
    const drained = rollups.drain();
    expect(drained).toHaveLength(7);
    rollups.add({ tenant: 't', at: at(3), route: 'GET /r0', status: 500, durationMs: 1 });
    rollups.merge(drained);
    expect(rollups.size).toBe(7);
    // At most 4 rows: minutes 0 and 1 go (3 requests), minutes 2 and 3 stay.
    expect(rollups.dropOldest(4)).toBe(3);
    const kept = rollups.drain();
    expect(kept.map((row) => [row.minute.slice(11, 16), row.route, row.requests, row.server_errors])).toEqual([
      ['12:02', 'GET /r0', 2, 0],
      ['12:02', 'GET /r1', 1, 0],
      ['12:03', 'GET /r0', 3, 1],
      ['12:03', 'GET /r1', 2, 0],
    ]);
  });
});

describe('ApiRollupAccumulator beyond its first allocation', () => {
  it('keeps every cell when it grows, and numbers a route once', () => {
    const rollups = new ApiRollupAccumulator();
    const route = rollups.routeId('GET /r');
    expect(rollups.routeId('GET /r')).toBe(route);
    // 600 tenants × 2 minutes = 1,200 cells (the columns double from 256 three times); each gets 1 + its index % 3.
    for (let index = 0; index < 600; index += 1) {
      for (let minute = 0; minute < 2; minute += 1) {
        for (let request = 0; request <= index % 3; request += 1) {
          rollups.count(`t${index}`, route, at(minute, request), 200 + (request % 2) * 300, 7);
        }
      }
    }
    expect(rollups.size).toBe(1200);
    const rows = rollups.drain();
    expect(rows).toHaveLength(1200);
    expect(rows[0]).toMatchObject({ tenant_id: 't0', minute: '2025-06-03T12:00:00.000Z', requests: 1 });
    expect(rows[1199]).toMatchObject({ tenant_id: 't599', minute: '2025-06-03T12:01:00.000Z', requests: 3 });
    // Per minute: 200 tenants with 1 request, 200 with 2, 200 with 3 = 1,200; the second of each is a 500.
    const total = rows.reduce((sum, row) => sum + row.requests, 0);
    const errors = rows.reduce((sum, row) => sum + row.server_errors, 0);
    expect([total, errors]).toEqual([2400, 800]);
    expect(rows[1199].histogram[latencySlot(7)]).toBe(3);
    expect(rows[1199].latency_sum_ms).toBe(21);
  });
});
