import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNumber, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';
import { BUCKET_TYPES, type BucketType } from '../entities/snapshot.entity.js';
import { TENANT_PATTERN } from '../common/event.types.js';
import { OptionalWholeNumber } from '../common/whole-number-param.js';

const METRIC_KEYS = PUBLIC_METRICS.map((metric) => metric.key);
const LEVEL = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 };
const TENANT_MESSAGE = { message: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -' };

/** An admin's threshold on any catalog metric: above or below, with a warning and/or a critical level. */
export class AlertRuleDto {
  @ApiProperty({ example: 'DAU floor' })
  @Matches(/^[\w .@%()-]{1,100}$/, { message: 'must be 1 to 100 letters, digits, spaces or _ . @ % ( ) -' })
  name: string;

  @ApiProperty({ description: 'A catalog key (GET catalog)', example: 'dau' })
  @IsIn(METRIC_KEYS, { message: 'must be a catalog metric key (see GET catalog)' })
  metric: string;

  @ApiProperty({ enum: ['above', 'below'], description: 'Alert when the value is at or above / at or below a level' })
  @IsIn(['above', 'below'], { message: 'must be above or below' })
  direction: 'above' | 'below';

  @ApiPropertyOptional({ nullable: true, example: 100 })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber(LEVEL, { message: 'must be a number' })
  @Min(-1e15)
  @Max(1e15)
  warning?: number | null;

  @ApiPropertyOptional({ nullable: true, example: 50 })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber(LEVEL, { message: 'must be a number' })
  @Min(-1e15)
  @Max(1e15)
  critical?: number | null;

  @ApiPropertyOptional({ enum: BUCKET_TYPES, default: 'daily' })
  @IsOptional()
  @IsIn(BUCKET_TYPES, { message: `must be one of ${BUCKET_TYPES.join(', ')}` })
  bucket?: BucketType;

  @ApiPropertyOptional({ nullable: true, description: 'One tenant; absent or null: the global view and every tenant' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Matches(TENANT_PATTERN, TENANT_MESSAGE)
  tenant?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Paging shared by the alert lists (validation metadata is inherited by the subclasses). */
class PageQueryDto {
  @OptionalWholeNumber({ default: 50, minimum: 1, maximum: 500 })
  limit?: number;

  @OptionalWholeNumber({ default: 0, minimum: 0, maximum: 1_000_000 })
  offset?: number;
}

export class AlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['open', 'acknowledged', 'resolved', 'active'],
    description: 'active: open or acknowledged',
  })
  @IsOptional()
  @IsIn(['open', 'acknowledged', 'resolved', 'active'], { message: 'must be open, acknowledged, resolved or active' })
  status?: 'open' | 'acknowledged' | 'resolved' | 'active';

  @ApiPropertyOptional({ description: 'One tenant; absent: every scope' })
  @IsOptional()
  @Matches(TENANT_PATTERN, TENANT_MESSAGE)
  tenant?: string;

  @ApiPropertyOptional({ enum: ['warning', 'critical'] })
  @IsOptional()
  @IsIn(['warning', 'critical'], { message: 'must be warning or critical' })
  severity?: 'warning' | 'critical';

  @ApiPropertyOptional({ enum: ['threshold', 'anomaly'] })
  @IsOptional()
  @IsIn(['threshold', 'anomaly'], { message: 'must be threshold or anomaly' })
  kind?: 'threshold' | 'anomaly';
}

export class DeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'sending', 'delivered', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'sending', 'delivered', 'failed'], { message: 'must be pending, sending, delivered or failed' })
  status?: 'pending' | 'sending' | 'delivered' | 'failed';

  @ApiPropertyOptional({ description: 'Deliveries of one alert' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'must be an alert id' })
  alert_id?: string;
}
