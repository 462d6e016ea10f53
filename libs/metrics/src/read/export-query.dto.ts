import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { RangeQueryDto } from './read-query.dto.js';

/** export.csv's query: the range filters, and `all_tenants=true` for every scope in one export. */
export class ExportQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({
    description:
      'true: every tenant (in name order) and then the global view in one export; not combined with tenant. Admins with access to all tenants only.',
    enum: ['true', 'false'],
    default: 'false',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  all_tenants?: 'true' | 'false';
}
