import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * The module's routes take JSON only. A form or text body would otherwise reach a handler as `{}` (Express parses
 * forms too), and a PATCH of "nothing" or a backfill from a cross-site form could pass; they get a 415 instead.
 */
@Injectable()
export class JsonOnlyMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'];
    const type = request.headers['content-type'] ?? '';
    if (WITH_BODY.has(request.method) && hasBody && !JSON_TYPE.test(type)) {
      response.status(415).json({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `content-type must be application/json, not "${type.slice(0, 100) || '(none)'}"`,
      });
      return;
    }
    next();
  }
}
