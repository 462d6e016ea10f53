import type { ApiRequestCollector } from './api-request-collector.service.js';

/** The response property that holds a request's slot (a small integer: no object per request). */
const SLOT = Symbol('exec-metrics:api-slot');
const INITIAL_SLOTS = 1024;

type Tracked = { [SLOT]?: number; statusCode: number };

/** The columns of the slots: when each request started (wall clock and monotonic), its route and its tenant. */
class SlotTable {
  startedAt = new Float64Array(INITIAL_SLOTS);
  wallAt = new Float64Array(INITIAL_SLOTS);
  routeOf = new Int32Array(INITIAL_SLOTS);
  tenantOf: (string | null)[] = new Array<string | null>(INITIAL_SLOTS).fill(null);
  private free = Int32Array.from({ length: INITIAL_SLOTS }, (_, slot) => INITIAL_SLOTS - 1 - slot);
  private freeCount = INITIAL_SLOTS;

  take(): number {
    if (this.freeCount === 0) this.grow();
    this.freeCount -= 1;
    return this.free[this.freeCount];
  }

  release(slot: number): void {
    this.tenantOf[slot] = null;
    this.free[this.freeCount] = slot;
    this.freeCount += 1;
  }

  /** Every slot is taken: twice as many (as many as requests answered at once, so rare). */
  private grow(): void {
    const size = this.startedAt.length;
    const widen = (array: Float64Array) => {
      const wider = new Float64Array(size * 2);
      wider.set(array);
      return wider;
    };
    this.startedAt = widen(this.startedAt);
    this.wallAt = widen(this.wallAt);
    const routes = new Int32Array(size * 2);
    routes.set(this.routeOf);
    this.routeOf = routes;
    this.tenantOf = this.tenantOf.concat(new Array<string | null>(size).fill(null));
    // The new slots, size … 2·size − 1, are the free ones.
    const free = new Int32Array(size * 2);
    for (let index = 0; index < size; index += 1) free[index] = size * 2 - 1 - index;
    this.free = free;
    this.freeCount = size;
  }
}

/**
 * The requests the interceptor or MetricsApiCounter is timing, in preallocated slots. A response carries only its slot number, and ONE
 * listener function, made once, counts every response when it closes — no closure, sample object or promise per
 * request. Slots are reused through a free list.
 */
export class InFlightRequests {
  private readonly slots = new SlotTable();
  /** The 'close' listener of every tracked response; `this` is the response. */
  readonly onClose: (this: Tracked) => void;

  constructor(collector: ApiRequestCollector) {
    const slots = this.slots;
    this.onClose = function onClose(this: Tracked) {
      const slot = this[SLOT];
      if (slot === undefined || slot < 0) return;
      this[SLOT] = -1;
      collector.count(
        slots.tenantOf[slot],
        slots.routeOf[slot],
        slots.wallAt[slot],
        this.statusCode,
        performance.now() - slots.startedAt[slot],
      );
      slots.release(slot);
    };
  }

  /** True when the response is already being timed (by this or another instance: a request counts once). */
  tracks(response: object): boolean {
    return (response as Tracked)[SLOT] !== undefined;
  }

  /** Starts timing a response; it is counted when it emits 'close' (finished, or the client went away first). */
  start(
    response: Tracked & { on(event: 'close', listener: () => void): unknown },
    route: number,
    tenant: string | null,
  ) {
    const slot = this.slots.take();
    this.slots.wallAt[slot] = Date.now();
    this.slots.startedAt[slot] = performance.now();
    this.slots.routeOf[slot] = route;
    this.slots.tenantOf[slot] = tenant;
    response[SLOT] = slot;
    response.on('close', this.onClose);
  }
}
