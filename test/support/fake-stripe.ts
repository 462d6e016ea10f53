import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that answers like Stripe's list endpoints (two objects per page, `has_more`, `starting_after`)
 * and refuses one page with a 429, so the official SDK runs for real against it.
 */
export class FakeStripe {
  readonly requests: string[] = [];
  data: Record<string, Record<string, unknown>[]> = {};
  private rateLimited = false;
  private server?: Server;

  async start(): Promise<number> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      this.requests.push(`${request.method} ${url.pathname}${url.search}`);
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${this.requests.length}` });
        response.end(JSON.stringify(body));
      };
      const [, version, resource, id] = url.pathname.split('/');
      if (version !== 'v1' || !this.data[resource]) return reply(404, { error: { type: 'invalid_request_error' } });
      if (id)
        return reply(
          200,
          this.data[resource].find((object) => object.id === id),
        );
      const after = url.searchParams.get('starting_after');
      if (resource === 'subscriptions' && after && !this.rateLimited) {
        this.rateLimited = true;
        return reply(429, { error: { type: 'rate_limit_error', message: 'Too many requests' } });
      }
      const status = url.searchParams.get('status');
      const all = this.data[resource].filter(
        (object) => resource !== 'invoices' || !status || object.status === status,
      );
      const start = after ? all.findIndex((object) => object.id === after) + 1 : 0;
      reply(200, {
        object: 'list',
        url: `/v1/${resource}`,
        data: all.slice(start, start + 2),
        has_more: start + 2 < all.length,
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
