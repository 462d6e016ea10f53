import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ALLOW_HINT, guardedLookup, hostProblem } from './outbound-guard.js';

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  /** Allow loopback, private and link-local targets (local setups, tests). */
  allowPrivate: boolean;
}

/**
 * POSTs a JSON body with node's http client rather than fetch: its `lookup` hook lets the resolved address be
 * checked on the very connection made, and it never follows a redirect (a 3xx is a failed delivery, so a
 * public URL cannot bounce the request to an internal one). Answers the status and the first 200 characters.
 */
export async function postJson(
  url: string,
  body: string,
  options: PostOptions,
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  if (!options.allowPrivate) {
    const problem = hostProblem(target.hostname);
    if (problem) throw new Error(`${problem}: ${ALLOW_HINT}`);
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  try {
    return await new Promise((resolve, reject) => {
      const request = send(
        target,
        {
          method: 'POST',
          headers: {
            ...options.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          signal: AbortSignal.any([options.signal, timeout]),
          ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
        },
        (response: IncomingMessage) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (text.length < 200) text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: text.slice(0, 200) }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  } catch (error) {
    if (timeout.aborted) throw new Error(`no answer within ${options.timeoutMs} ms`, { cause: error });
    throw error;
  }
}
