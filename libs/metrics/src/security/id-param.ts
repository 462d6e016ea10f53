import { ParseUUIDPipe } from '@nestjs/common';
import { badRequest } from '../common/validation.js';

/** A path `:id` that must be a UUID: a 400 naming `id` (Nest's own message, "uuid is expected", names nothing). */
export const uuidId = () =>
  new ParseUUIDPipe({ exceptionFactory: () => badRequest([{ field: 'id', message: 'must be a UUID' }]) });
