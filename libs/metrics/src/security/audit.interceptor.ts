import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { catchError, from, mergeMap, map, throwError, type Observable } from 'rxjs';
import { AuditService, auditParams, type AuditAction, type AuditEntry } from './audit.service.js';
import type { RequestWithActor } from './metrics-access.guard.js';
import { describeFailure } from './metrics-error.filter.js';

interface AuditOptions {
  action: AuditAction;
  /** Written before the handler runs (a streamed export has no "after" to wait for). */
  before?: boolean;
  /** The handler writes its own record inside its transaction (config and token changes). */
  byHandler?: boolean;
}

const AUDIT = 'metrics:audit';
/** Sent by the panel's dashboard on an automatic refresh (not on a load, a filter change or "refresh now"). */
export const AUTO_REFRESH_HEADER = 'x-metrics-refresh';
export const Audited = (action: AuditAction, options: Omit<AuditOptions, 'action'> = {}) =>
  SetMetadata(AUDIT, { action, ...options });

/** The audit entry of a request, without its outcome. */
export function auditEntryFor(request: RequestWithActor, action: AuditAction): Omit<AuditEntry, 'outcome'> {
  const actor = request.metricsActor;
  const sent: unknown = request.body;
  const body = sent && typeof sent === 'object' && !Array.isArray(sent) ? sent : {};
  return {
    actor: actor?.id ?? 'anonymous',
    actor_kind: actor?.kind ?? 'none',
    ip: request.ip ?? null,
    method: request.method,
    route: (request.route as { path?: string } | undefined)?.path ?? request.path,
    action,
    params: auditParams({ ...request.query, ...request.params, ...(body as Record<string, unknown>) }),
  };
}

/**
 * Records every audited request with its outcome. A request whose record cannot be written fails with a 503
 * rather than succeed unrecorded.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<AuditOptions | undefined>(AUDIT, context.getHandler());
    if (!options) return next.handle();
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const response = context.switchToHttp().getResponse<Response>();
    const entry = auditEntryFor(request, options.action);
    // One record per view, not per refresh: an automatic refresh of a read already recorded in the last 24 hours
    // (same actor, route and parameters) adds nothing to "who saw what". A new view is always recorded.
    const refresh = options.action === 'read' && request.headers[AUTO_REFRESH_HEADER] === 'auto';
    const write = async (outcome: number) => {
      try {
        if (refresh && outcome === 200 && (await this.audit.readRecordedRecently(entry))) return;
        await this.audit.record({ ...entry, outcome });
      } catch {
        throw new ServiceUnavailableException('The audit record could not be written, so the request was not served');
      }
    };

    const handled = (options.before ? from(write(200)).pipe(mergeMap(() => next.handle())) : next.handle()).pipe(
      catchError((error: unknown) => {
        const status = error instanceof HttpException ? error.getStatus() : describeFailure(error).status;
        // A failure is recorded too; if even that fails, the original error is what the client needs.
        return from(this.audit.record({ ...entry, outcome: status }).catch(() => undefined)).pipe(
          mergeMap(() => throwError(() => error)),
        );
      }),
    );
    if (options.before || options.byHandler) return handled;
    return handled.pipe(mergeMap((value: unknown) => from(write(response.statusCode)).pipe(map(() => value))));
  }
}
