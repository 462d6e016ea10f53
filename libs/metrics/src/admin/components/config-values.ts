// Configuration values to and from what the form's editors hold (config-edit.tsx), plain TypeScript so jest runs it.
import type { ConfigField } from './config-schema';

export type ConfigValue = string | number | boolean | null | string[] | Record<string, unknown>;
export interface PriceRow {
  model: string;
  input: string;
  output: string;
}
export interface RateRow {
  currency: string;
  rate: string;
}
export type Draft = string | boolean | PriceRow[] | RateRow[];

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** A number as typed: empty → null when it may be cleared; a text that is no number goes as is (the API names it). */
function number(typed: string, optional: boolean): number | string | null {
  if (typed.trim() === '') return optional ? null : typed;
  const parsed = Number(typed);
  return Number.isFinite(parsed) ? parsed : typed;
}

export function toDraft(field: ConfigField, value: ConfigValue): Draft {
  switch (field.kind) {
    case 'boolean':
      return value === true;
    case 'list':
      return Array.isArray(value) ? value.join(', ') : text(value);
    case 'prices':
      return Object.entries((value ?? {}) as Record<string, { input_per_1m?: number; output_per_1m?: number }>).map(
        ([model, price]) => ({ model, input: text(price?.input_per_1m), output: text(price?.output_per_1m) }),
      );
    case 'rates':
      return Object.entries((value ?? {}) as Record<string, number>).map(([currency, rate]) => ({
        currency,
        rate: text(rate),
      }));
    default:
      return text(value);
  }
}

/** What PATCH config is sent for a field; `original` is the value GET config gave (its type decides choices). */
export function fromDraft(field: ConfigField, draft: Draft, original: ConfigValue): ConfigValue {
  switch (field.kind) {
    case 'boolean':
      return draft === true;
    case 'number':
    case 'optional-number':
      return number(String(draft), field.kind === 'optional-number');
    case 'date':
      return String(draft).trim() === '' ? null : String(draft);
    case 'list':
      return String(draft)
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    case 'choice':
      if (typeof original === 'boolean') return draft === 'true';
      if (field.numeric) return number(String(draft), true);
      return String(draft);
    case 'prices':
      return Object.fromEntries(
        (draft as PriceRow[])
          .filter((row) => row.model.trim() !== '' || row.input !== '' || row.output !== '')
          .map((row) => [
            row.model.trim(),
            { input_per_1m: number(row.input, false), output_per_1m: number(row.output, false) },
          ]),
      );
    case 'rates':
      return Object.fromEntries(
        (draft as RateRow[])
          .filter((row) => row.currency !== '' || row.rate !== '')
          .map((row) => [row.currency, number(row.rate, false)]),
      );
    default:
      return String(draft);
  }
}
