import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { DeliveryView } from '../libs/metrics/src/index.js';
import { blockedAddress } from '../libs/metrics/src/alerts/outbound-guard.js';
import { computeAndEvaluate, eventually, jobs } from './support/alert-helpers.js';
import { SmtpReceiver, WebhookReceiver } from './support/receivers.js';
import { insertSourceRows } from './support/source-rows.js';
import { tableDigest } from './support/table-digest.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
/** A token's use is noted off the request path: not a change made by a refused request. */
const IGNORE = { metrics_api_token: ['last_used_at'] };
const FAST = { baseDelayMs: 40, maxDelayMs: 100, pollIntervalMs: 50, timeoutMs: 2_000, maxAttempts: 1 };
const webhook = (name: string, url: string) => ({ name, type: 'webhook', webhook: { url, format: 'json' } });
const email = (name: string, host: string, port = 25) => ({
  name,
  type: 'email',
  email: { host, port, from: 'metrics@example.com', to: ['cto@example.com'] },
});

async function deliveries(test: TestApp, count: number): Promise<Record<string, DeliveryView>> {
  const rows = await eventually(
    async () =>
      ((await call(test, 'GET', `${PREFIX}/alerts/deliveries?limit=500`)).body as { deliveries: DeliveryView[] })
        .deliveries,
    (found) => found.length === count && found.every((row) => row.status === 'delivered' || row.status === 'failed'),
  );
  return Object.fromEntries(rows.map((row) => [row.channel_name, row]));
}

/** 3 failed jobs of 10 on 2025-06-02: a critical job-failure-rate alert, delivered to every channel. */
const FAILING_JOBS = { jobs: jobs(null as unknown as string, '2025-06-02', 10, 3) };

describe('outbound requests (SSRF)', () => {
  it('judges addresses after normalisation: loopback, private, link-local, mapped and NAT64 forms', () => {
    const blocked = [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      '[::1]',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::10.0.0.1',
    ];
    const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', 'example.com'];
    expect(blocked.filter((address) => blockedAddress(address) === null)).toEqual([]);
    expect(allowed.filter((address) => blockedAddress(address) !== null)).toEqual([]);
  });

  describe('by default', () => {
    let test: TestApp;
    const hooks = new WebhookReceiver();
    const smtp = new SmtpReceiver('u', 'p');
    // A DNS name (not a literal, not "localhost") that resolves to this machine: the send-time check's case.
    const name = hostname();

    beforeAll(async () => {
      await hooks.start();
      await smtp.start();
      test = await createTestApp({ metrics: { alerts: { anomaly: { enabled: false }, delivery: FAST } } });
    });

    afterAll(async () => {
      await test.close();
      await hooks.stop();
      await smtp.stop();
    });

    it('refuses loopback, private, link-local and internal targets when saved: 400 naming the field, no row', async () => {
      const before = await tableDigest(test.dataSource, IGNORE);
      const cases: [unknown, string][] = [
        [webhook('a', hooks.url('/x')), 'webhook.url'],
        [webhook('b', 'http://169.254.169.254/latest/meta-data/'), 'webhook.url'],
        [webhook('c', 'http://[::1]:8080/'), 'webhook.url'],
        [webhook('d', 'http://[::ffff:127.0.0.1]/'), 'webhook.url'],
        [webhook('e', 'https://10.0.0.7/hook'), 'webhook.url'],
        [webhook('f', 'http://localhost:3000/'), 'webhook.url'],
        [webhook('g', 'http://metadata.google.internal/'), 'webhook.url'],
        [email('h', '127.0.0.1', smtp.port), 'email.host'],
        [email('i', '192.168.0.10'), 'email.host'],
        [email('j', 'localhost'), 'email.host'],
      ];
      for (const [body, field] of cases) {
        const answer = await call(test, 'POST', `${PREFIX}/alerts/channels`, { body });
        const errors = (answer.body as { errors?: { field: string; message: string }[] }).errors ?? [];
        expect([JSON.stringify(body), answer.status, errors.map((error) => error.field)]).toEqual([
          JSON.stringify(body),
          400,
          [field],
        ]);
        expect(errors[0].message).toContain('allowPrivateNetworks');
      }
      expect(await tableDigest(test.dataSource, IGNORE)).toEqual(before);
    });

    it('refuses, at send time, a DNS name that resolves to a private address: a failed delivery with the reason', async () => {
      const resolved = await lookup(name, { all: true });
      expect(resolved.map((entry) => blockedAddress(entry.address)).every(Boolean)).toBe(true);
      for (const body of [
        webhook('name hook', `http://${name}:${hooks.port}/by-name`),
        email('name mail', name, smtp.port),
      ]) {
        const answer = await call(test, 'POST', `${PREFIX}/alerts/channels`, { body });
        expect(answer.status).toBe(201);
      }
      await insertSourceRows(test.dataSource, FAILING_JOBS);
      await computeAndEvaluate(test, '2025-06-02');
      const rows = await deliveries(test, 2);
      expect(rows['name hook'].status).toBe('failed');
      expect(rows['name hook'].last_error).toContain(`resolves to ${resolved[0].address}`);
      expect(rows['name hook'].last_error).toContain('allowPrivateNetworks');
      expect(rows['name mail'].status).toBe('failed');
      expect(rows['name mail'].last_error).toContain(`SMTP ${name}:${smtp.port}: ${name} resolves to`);
      expect(hooks.requests).toHaveLength(0);
      expect(smtp.mails).toHaveLength(0);
    });
  });

  describe('with alerts.delivery.allowPrivateNetworks', () => {
    let test: TestApp;
    const hooks = new WebhookReceiver();
    let redirector: Server;
    let redirectorPort: number;

    beforeAll(async () => {
      await hooks.start();
      // Answers every POST with a redirect to the receiver: the delivery must fail rather than follow it.
      redirector = createServer((request, response) => {
        request.resume();
        response.writeHead(307, { location: hooks.url('/redirected') }).end();
      });
      await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
      redirectorPort = (redirector.address() as AddressInfo).port;
      test = await createTestApp({
        metrics: { alerts: { anomaly: { enabled: false }, delivery: { ...FAST, allowPrivateNetworks: true } } },
      });
    });

    afterAll(async () => {
      await test.close();
      await hooks.stop();
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    });

    it('delivers to loopback, and never follows a redirect', async () => {
      for (const body of [
        webhook('direct', hooks.url('/direct')),
        webhook('redirect', `http://127.0.0.1:${redirectorPort}/go`),
      ]) {
        expect((await call(test, 'POST', `${PREFIX}/alerts/channels`, { body })).status).toBe(201);
      }
      await insertSourceRows(test.dataSource, FAILING_JOBS);
      await computeAndEvaluate(test, '2025-06-02');
      const rows = await deliveries(test, 2);
      expect(rows.direct.status).toBe('delivered');
      expect(rows.redirect.status).toBe('failed');
      expect(rows.redirect.last_error).toBe(
        `POST http://127.0.0.1:${redirectorPort}/***: HTTP 307, a redirect (not followed)`,
      );
      expect(hooks.requests.map((request) => request.path)).toEqual(['/direct']);
    });
  });
});
