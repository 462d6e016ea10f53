import { loadOptionalPackage } from '../common/optional-package.js';
import type { ChannelSettings } from './alert-channels.service.js';
import { maskUrl } from './alert-channels.service.js';
import { slackBodyOf, subjectOf, textOf, type DeliveryPayload } from './alert-message.js';
import { resolvePublic } from './outbound-guard.js';
import { postJson } from './webhook-post.js';

export interface SendOptions {
  timeoutMs: number;
  /** Aborts the attempt (shutdown). */
  signal: AbortSignal;
  /** Allow loopback, private and link-local targets (alerts.delivery.allowPrivateNetworks). */
  allowPrivate: boolean;
}

/**
 * Sends one delivery through one channel, within `timeoutMs` (a channel that hangs fails like one that
 * refuses), or when `signal` aborts (shutdown). Targets are checked on their resolved address (outbound-guard).
 * Errors never carry a secret: URLs are masked.
 */
export async function sendAlert(settings: ChannelSettings, payload: DeliveryPayload, options: SendOptions) {
  if (settings.type === 'email') return sendEmail(settings.email, payload, options);
  return postWebhook(settings.webhook, payload, options);
}

async function postWebhook(
  webhook: Extract<ChannelSettings, { type: 'webhook' }>['webhook'],
  payload: DeliveryPayload,
  options: SendOptions,
): Promise<void> {
  const body = webhook.format === 'slack' ? slackBodyOf(payload) : payload;
  let response: { status: number; text: string };
  try {
    response = await postJson(webhook.url, JSON.stringify(body), { ...options, headers: webhook.headers ?? {} });
  } catch (error) {
    throw new Error(`POST ${maskUrl(webhook.url)}: ${errorText(error)}`, { cause: error });
  }
  if (response.status >= 300 && response.status < 400)
    throw new Error(`POST ${maskUrl(webhook.url)}: HTTP ${response.status}, a redirect (not followed)`);
  if (response.status < 200 || response.status >= 300)
    throw new Error(`POST ${maskUrl(webhook.url)}: HTTP ${response.status} ${response.text}`.trim());
}

async function sendEmail(
  email: Extract<ChannelSettings, { type: 'email' }>['email'],
  payload: DeliveryPayload,
  { timeoutMs, signal, allowPrivate }: SendOptions,
): Promise<void> {
  // Connect to the checked address itself (nodemailer would resolve the name again); TLS still verifies the name.
  let address = email.host;
  if (!allowPrivate)
    address = await resolvePublic(email.host).catch((error: unknown) => {
      throw new Error(`SMTP ${email.host}:${email.port}: ${errorText(error)}`, { cause: error });
    });
  // nodemailer is an optional peer: without it an email delivery fails with the package's name as its reason.
  const nodemailer = await loadOptionalPackage('nodemailer', 'Email alert delivery', () => import('nodemailer'));
  const transport = nodemailer.default.createTransport({
    host: address,
    ...(address !== email.host ? { tls: { servername: email.host } } : {}),
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
