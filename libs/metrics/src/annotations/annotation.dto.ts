import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, Validate } from 'class-validator';
import { DateRangeDto, IsCalendarDateConstraint } from '../common/date-range.dto.js';
import { TENANT_PATTERN } from '../common/event.types.js';

/** A day worth marking on every chart. */
export class AnnotationDto {
  @ApiProperty({ description: 'The day (YYYY-MM-DD, reporting timezone)', example: '2025-04-10', format: 'date' })
  @Validate(IsCalendarDateConstraint)
  day: string;

  @ApiProperty({ description: 'What happened, 1 to 80 characters', example: 'Pricing change' })
  @IsString({ message: 'must be text' })
  @Length(1, 80, { message: 'must be 1 to 80 characters' })
  // Printable text on one line: it is drawn on charts and written to CSV-free places only, but a label is a label.
  @Matches(/^[^\p{Cc}]*\S[^\p{Cc}]*$/u, { message: 'must be printable text on one line, not only spaces' })
  label: string;

  @ApiPropertyOptional({ description: "A tenant's annotation shows in its view only; absent: in every view" })
  @IsOptional()
  @Matches(TENANT_PATTERN, { message: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -' })
  tenant?: string;
}

/** start, end, tenant?: the annotations a dashboard range shows. */
export class AnnotationsQueryDto extends DateRangeDto {}
