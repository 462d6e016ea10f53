import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { SourceCheckError } from '../sources/source-check.js';

interface DatabaseError {
  code?: string;
  message?: string;
}

/** SQLSTATE classes and driver messages that mean "the database cannot serve now", not "the request is bad". */
const UNAVAILABLE = /^(08|53|57P0|40001|40P01)/;
const CONNECTION = /ECONNREFUSED|ECONNRESET|Connection terminated|connection.*(closed|ended)|terminating connection/i;

/** The answer for an error that is not an HttpException, with a reason a client can act on. */
export function describeFailure(error: unknown): { status: number; error: string; message: string } {
  if (error instanceof SourceCheckError)
    return { status: 503, error: 'Service Unavailable', message: `${error.message}; fix the host relation` };
  const { code, message = '' } = (error ?? {}) as DatabaseError;
  if (typeof code === 'string' && code.startsWith('53'))
    return {
      status: 503,
      error: 'Service Unavailable',
      message: `The database is out of resources (${code === '53100' ? 'disk full' : `SQLSTATE ${code}`}); nothing was stored, retry later`,
    };
  if ((typeof code === 'string' && UNAVAILABLE.test(code)) || CONNECTION.test(message))
    return {
      status: 503,
      error: 'Service Unavailable',
      message: 'The database is unavailable or busy; nothing was stored, retry later',
    };
  if (typeof code === 'string' && code.startsWith('22'))
    return { status: 400, error: 'Bad Request', message: 'A value is out of the range the database accepts' };
  return { status: 500, error: 'Internal Server Error', message: 'Internal server error' };
}

/**
 * On the module's routes: HttpExceptions answer as Nest would, database outages as 503 with a reason, and
 * anything else as a JSON 500 that is logged (message and stack only: no request headers, so no tokens).
 */
@Catch()
export class MetricsErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Metrics');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      // A streamed answer (CSV) already started: the client sees the connection cut, not a wrong status.
      response.destroy(exception instanceof Error ? exception : undefined);
      return;
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      response
        .status(exception.getStatus())
        .json(typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body);
      return;
    }
    const failure = describeFailure(exception);
    // An outage is the operator's (a warning per refused request); an unexplained 500 is a bug (an error).
    if (failure.status === 503)
      this.logger.warn(`${failure.message}: ${exception instanceof Error ? exception.message : String(exception)}`);
    else if (failure.status >= 500)
      this.logger.error(
        `${failure.message}: ${exception instanceof Error ? exception.message : String(exception)}`,
        failure.status === 500 && exception instanceof Error ? exception.stack : undefined,
      );
    response
      .status(failure.status)
      .json({ statusCode: failure.status, error: failure.error, message: failure.message });
  }
}
