import { loadOptionalPackage } from '../common/optional-package.js';
import type { ChannelSettings } from './alert-channels.service.js';
import { maskUrl } from './alert-channels.service.js';
import { slackBodyOf, subjectOf, textOf, type DeliveryPayload } from './alert-message.js';

/**
 * Sends one delivery through one channel, within `timeoutMs` (a channel that hangs fails like one that
 * refuses), or when `signal` aborts (shutdown). Errors never carry a secret: URLs are masked.
 */
export async function sendAlert(
  settings: ChannelSettings,
  payload: DeliveryPayload,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  if (settings.type === 'email') return sendEmail(settings.email, payload, timeoutMs, signal);
  return postWebhook(settings.webhook, payload, timeoutMs, signal);
}

async function postWebhook(
  webhook: Extract<ChannelSettings, { type: 'webhook' }>['webhook'],
  payload: DeliveryPayload,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const body = webhook.format === 'slack' ? slackBodyOf(payload) : payload;
  let response: Response;
  try {
    response = await fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(webhook.headers ?? {}) },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : errorText(error);
    throw new Error(`POST ${maskUrl(webhook.url)}: ${reason}`, { cause: error });
  }
  const text = await response.text().catch(() => '');
  if (!response.ok)
    throw new Error(`POST ${maskUrl(webhook.url)}: HTTP ${response.status} ${text.slice(0, 200)}`.trim());
}

async function sendEmail(
  email: Extract<ChannelSettings, { type: 'email' }>['email'],
  payload: DeliveryPayload,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  // nodemailer is an optional peer: without it an email delivery fails with the package's name as its reason.
  const nodemailer = await loadOptionalPackage('nodemailer', 'Email alert delivery', () => import('nodemailer'));
  const transport = nodemailer.default.createTransport({
    host: email.host,
    port: email.port,
    secure: email.secure ?? false,
    auth: email.user ? { user: email.user, pass: email.password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // The transport's own logger stays off: it would print the conversation, AUTH included.
    logger: false,
  });
  const abort = () => transport.close();
  signal.addEventListener('abort', abort, { once: true });
  // A guard over the whole conversation, on top of the socket timeouts.
  let timer: NodeJS.Timeout | undefined;
  const overall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      transport.close();
      reject(new Error(`SMTP ${email.host}:${email.port}: no answer within ${timeoutMs} ms`));
    }, timeoutMs * 2);
  });
  try {
    await Promise.race([
      transport.sendMail({ from: email.from, to: email.to, subject: subjectOf(payload), text: textOf(payload) }),
      overall,
    ]);
  } catch (error) {
    throw new Error(`SMTP ${email.host}:${email.port}: ${errorText(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
    transport.close();
  }
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code || cause?.message ? `${error.message} (${cause.code ?? cause.message})` : error.message;
}
