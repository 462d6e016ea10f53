import React from 'react';
import { Box, Button, CheckBox, Input, Label, Text } from '@adminjs/design-system';
import type { ConfigField } from './config-schema';
import type { Draft, PriceRow, RateRow } from './config-values';

// The pickers' lists come from the browser's own Intl data: the same IANA zones and ISO 4217 codes the API checks.
const TIMEZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
const CURRENCIES = Intl.supportedValuesOf('currency');
const currencyNames = new Intl.DisplayNames(['en'], { type: 'currency' });
const currencyLabel = (code: string) => `${code} — ${currencyNames.of(code) ?? code}`;

const control: React.CSSProperties = {
  height: 36,
  width: '100%',
  maxWidth: 560,
  padding: '0 8px',
  borderRadius: 4,
  border: '1px solid var(--em-border)',
};
const cellInput: React.CSSProperties = { ...control, maxWidth: 220, minWidth: 90 };

interface Props {
  field: ConfigField;
  value: Draft;
  onChange: (value: Draft) => void;
}

function Select({
  id,
  value,
  options,
  onChange,
}: {
  id: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
}) {
  // A value the list does not hold (set through the API) stays visible and selected.
  const all = options.some((option) => option.value === value) ? options : [...options, { value, label: value }];
  return (
    <select id={id} data-testid={id} value={value} style={control} onChange={(event) => onChange(event.target.value)}>
      {all.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** model → input and output price per million tokens, one row each, rows added and removed. */
function PricesEditor({ field, value, onChange }: Props) {
  const rows = value as PriceRow[];
  const set = (index: number, patch: Partial<PriceRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  const id = `config-${field.key}`;
  return (
    <Box data-testid={id} data-rows={rows.length} style={{ overflowX: 'auto' }}>
      <table style={{ borderCollapse: 'collapse' }}>
        <thead>
          <tr>
            <th scope="col" style={{ textAlign: 'left', padding: 4 }}>
              Model
            </th>
            <th scope="col" style={{ textAlign: 'left', padding: 4 }}>
              Input (USD / 1M tokens)
            </th>
            <th scope="col" style={{ textAlign: 'left', padding: 4 }}>
              Output (USD / 1M tokens)
            </th>
            <th scope="col">
              <span className="em-visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              <td style={{ padding: 4 }}>
                <input
                  aria-label={`Model ${index + 1}`}
                  data-testid={`${id}-model-${index}`}
                  style={cellInput}
                  value={row.model}
                  onChange={(e) => set(index, { model: e.target.value })}
                />
              </td>
              <td style={{ padding: 4 }}>
                <input
                  aria-label={`Input price of model ${index + 1}`}
                  inputMode="decimal"
                  data-testid={`${id}-input-${index}`}
                  style={cellInput}
                  value={row.input}
                  onChange={(e) => set(index, { input: e.target.value })}
                />
              </td>
              <td style={{ padding: 4 }}>
                <input
                  aria-label={`Output price of model ${index + 1}`}
                  inputMode="decimal"
                  data-testid={`${id}-output-${index}`}
                  style={cellInput}
                  value={row.output}
                  onChange={(e) => set(index, { output: e.target.value })}
                />
              </td>
              <td style={{ padding: 4 }}>
                <Button
                  type="button"
                  size="sm"
                  variant="text"
                  data-testid={`${id}-remove-${index}`}
                  onClick={() => onChange(rows.filter((_, at) => at !== index))}
                >
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Button
        type="button"
        size="sm"
        data-testid={`${id}-add`}
        onClick={() => onChange([...rows, { model: '', input: '', output: '' }])}
      >
        Add a model
      </Button>
    </Box>
  );
}

/** currency → rate to the reporting currency, the currency chosen from the ISO 4217 list. */
function RatesEditor({ field, value, onChange }: Props) {
  const rows = value as RateRow[];
  const set = (index: number, patch: Partial<RateRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  const id = `config-${field.key}`;
  return (
    <Box data-testid={id} data-rows={rows.length}>
      {rows.map((row, index) => (
        <Box key={index} flex flexDirection="row" alignItems="center" flexWrap="wrap" style={{ gap: 8 }} mb="sm">
          <select
            aria-label={`Currency ${index + 1}`}
            data-testid={`${id}-currency-${index}`}
            style={cellInput}
            value={row.currency}
            onChange={(e) => set(index, { currency: e.target.value })}
          >
            <option value="">Choose…</option>
            {CURRENCIES.map((code) => (
              <option key={code} value={code}>
                {currencyLabel(code)}
              </option>
            ))}
          </select>
          <span aria-hidden="true">→</span>
          <input
            aria-label={`Rate of currency ${index + 1}`}
            inputMode="decimal"
            data-testid={`${id}-rate-${index}`}
            style={cellInput}
            value={row.rate}
            onChange={(e) => set(index, { rate: e.target.value })}
          />
          <Button
            type="button"
            size="sm"
            variant="text"
            data-testid={`${id}-remove-${index}`}
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            Remove
          </Button>
        </Box>
      ))}
      <Button
        type="button"
        size="sm"
        data-testid={`${id}-add`}
        onClick={() => onChange([...rows, { currency: '', rate: '' }])}
      >
        Add a currency
      </Button>
    </Box>
  );
}

/** One field of the form: its label with the unit, the editor its kind calls for, its help. */
export default function ConfigFieldEditor({ field, value, onChange }: Props) {
  const id = `config-${field.key}`;
  const label = `${field.label}${field.unit ? ` (${field.unit})` : ''}`;
  const editor = (() => {
    switch (field.kind) {
      case 'boolean':
        return null;
      case 'timezone':
        return (
          <Select
            id={id}
            value={String(value)}
            options={TIMEZONES.map((zone) => ({ value: zone, label: zone }))}
            onChange={onChange}
          />
        );
      case 'currency':
        return (
          <Select
            id={id}
            value={String(value)}
            options={CURRENCIES.map((code) => ({ value: code, label: currencyLabel(code) }))}
            onChange={onChange}
          />
        );
      case 'choice':
        // The options say who counts this way; the chosen one is repeated in full below, as a select cuts it off.
        return (
          <>
            <Select id={id} value={String(value)} options={field.choices ?? []} onChange={onChange} />
            <Text fontSize="sm" mt="sm" data-testid={`${id}-explained`}>
              {field.choices?.find((choice) => choice.value === String(value))?.label ?? String(value)}
            </Text>
          </>
        );
      case 'prices':
        return <PricesEditor field={field} value={value} onChange={onChange} />;
      case 'rates':
        return <RatesEditor field={field} value={value} onChange={onChange} />;
      default:
        return (
          <Input
            id={id}
            data-testid={id}
            type={field.kind === 'date' ? 'date' : 'text'}
            inputMode={field.kind.endsWith('number') ? 'decimal' : undefined}
            value={String(value)}
            disabled={field.kind === 'read-only'}
            style={{ width: '100%', maxWidth: 560 }}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
          />
        );
    }
  })();
  return (
    <Box mb="lg">
      {field.kind === 'boolean' ? (
        <Box flex alignItems="center">
          <CheckBox id={id} data-testid={id} checked={value === true} onChange={() => onChange(value !== true)} />
          <Label inline htmlFor={id} ml="default">
            {label}
          </Label>
        </Box>
      ) : (
        <Label htmlFor={field.kind === 'prices' || field.kind === 'rates' ? undefined : id}>{label}</Label>
      )}
      {editor}
      {field.help && (
        <Text fontSize="sm" className="em-muted" mt="sm">
          {field.help}
        </Text>
      )}
    </Box>
  );
}
