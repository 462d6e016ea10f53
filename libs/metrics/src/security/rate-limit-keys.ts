import { createHash } from 'node:crypto';
import type { Request } from 'express';

/**
 * Who a request is, for the rate limit, before authentication: the bearer token (hashed: the key is kept in
 * memory), else the host's signed-in user or session, else the client IP. So a dashboard and an integration
 * behind the same proxy have a budget each. `request.ip` honours Express's `trust proxy` setting: behind a
 * proxy, set it so that anonymous callers are told apart by their own address, not the proxy's.
 */
export function callerKey(request: Request): string {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && /^bearer\s+\S/i.test(authorization))
    return `token:${createHash('sha256')
      .update(authorization.replace(/^bearer\s+/i, ''))
      .digest('hex')
      .slice(0, 32)}`;
  const user = (request as Request & { user?: { id?: unknown; email?: unknown } }).user;
  const userId = user?.id ?? user?.email;
  if (typeof userId === 'string' || typeof userId === 'number') return `user:${userId}`;
  const session = (request as Request & { sessionID?: unknown }).sessionID;
  if (typeof session === 'string' && session.length > 0) return `session:${session}`;
  return `ip:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
}

/** The client address alone: failed authentications are counted per address, so guessing tokens stays bounded. */
export const clientIp = (request: Request): string => request.ip ?? request.socket.remoteAddress ?? 'unknown';
