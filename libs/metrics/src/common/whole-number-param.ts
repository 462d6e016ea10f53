import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * An optional whole-number query parameter within [minimum, maximum] (limits, offsets, counts): converted from the
 * query string, validated with the module's message, and described the same way in the OpenAPI document.
 */
export function OptionalWholeNumber(options: {
  minimum: number;
  maximum: number;
  default: number;
  description?: string;
}): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ ...options }),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: 'must be a whole number' }),
    Min(options.minimum),
    Max(options.maximum),
  );
}
