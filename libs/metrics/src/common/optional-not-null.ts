import { applyDecorators } from '@nestjs/common';
import { IsDefined, ValidateIf } from 'class-validator';

/**
 * A field that may be left out but not set to null: class-validator's @IsOptional() lets null through too, and a
 * null then reaches a NOT NULL column (a 500 where the client deserves a 400 naming the field).
 */
export function OptionalNotNull(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_, value) => value !== undefined),
    IsDefined({ message: 'must not be null (leave it out to keep the current value)' }),
  );
}
