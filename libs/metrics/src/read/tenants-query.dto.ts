import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { OptionalWholeNumber } from '../common/whole-number-param.js';

/** search?, limit?: a tenant picker asks for the tenants whose name contains what was typed. */
export class TenantsQueryDto {
  @ApiPropertyOptional({ description: 'Part of a tenant id (case-insensitive)', example: 'acme' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{0,64}$/, { message: 'must be at most 64 of A-Z, a-z, 0-9, _, . and -' })
  search?: string;

  @OptionalWholeNumber({ description: 'At most this many tenants', default: 50, minimum: 1, maximum: 500 })
  limit?: number;
}
