import { ApiProperty } from '@nestjs/swagger';
import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, validate } from 'class-validator';
import { ManualRevenueEntryDto } from './manual-revenue.dto.js';

export const MAX_BATCH_ENTRIES = 10_000;

/** The envelope only: each entry is checked on its own, so that its errors carry its index. */
export class ManualRevenueBatchDto {
  @ApiProperty({
    description: `1 to ${MAX_BATCH_ENTRIES.toLocaleString('en-US')} entries, as POST revenue/entries takes them`,
    type: [ManualRevenueEntryDto],
  })
  @IsArray({ message: 'must be an array of entries' })
  @ArrayMinSize(1, { message: 'must hold at least one entry' })
  @ArrayMaxSize(MAX_BATCH_ENTRIES, { message: `may hold at most ${MAX_BATCH_ENTRIES} entries` })
  @IsObject({ each: true, message: 'each entry must be a JSON object' })
  entries: Record<string, unknown>[];
}

export interface RowError {
  index: number;
  field: string;
  message: string;
}

/** A 400 listing every bad row by its index and field; nothing of the batch is stored. */
export function rowErrors(errors: RowError[]): BadRequestException {
  const shown = errors.slice(0, 1000);
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `${errors.length} error(s) in entries, nothing stored; first: entries[${shown[0].index}].${shown[0].field}: ${shown[0].message}`,
    errors: shown,
  });
}

/** Each entry validated like a single POST revenue/entries (unknown fields refused), errors by index and field. */
export async function validateEntries(raw: Record<string, unknown>[]): Promise<ManualRevenueEntryDto[]> {
  const entries = raw.map((entry) => plainToInstance(ManualRevenueEntryDto, entry));
  const errors: RowError[] = [];
  for (const [index, entry] of entries.entries()) {
    for (const error of await validate(entry, { whitelist: true, forbidNonWhitelisted: true })) {
      for (const message of Object.values(error.constraints ?? {})) {
        errors.push({ index, field: error.property, message });
      }
    }
  }
  if (errors.length > 0) throw rowErrors(errors);
  return entries;
}
