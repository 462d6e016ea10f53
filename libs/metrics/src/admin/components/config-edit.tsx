import React, { useEffect, useState } from 'react';
import { Box, Button, CheckBox, H2, Input, Label, MessageBox, Text, TextArea } from '@adminjs/design-system';
import { ApiError, apiGet, apiSend, type FieldError } from './api';

type ConfigValue = string | number | boolean | null | string[] | Record<string, number>;
type Config = Record<string, ConfigValue>;

/** Shown, never sent: derived (runway) or written by the server. */
const READ_ONLY = new Set(['runway_months', 'updated_by', 'updated_at']);
/** Numbers that may be cleared (null): the financial inputs. */
const NULLABLE_NUMBERS = new Set(['monthly_burn_rate', 'cash_balance', 'manual_runway_months']);

const asText = (value: ConfigValue) =>
  value === null
    ? ''
    : Array.isArray(value)
      ? value.join(', ')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

/** The text of a field back to the JSON type the API expects (the API validates it and names bad fields). */
function fromText(key: string, text: string, original: ConfigValue): ConfigValue {
  if (Array.isArray(original))
    return text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  if (original !== null && typeof original === 'object') {
    try {
      return JSON.parse(text) as Record<string, number>;
    } catch {
      return text as unknown as Record<string, number>;
    }
  }
  if (typeof original === 'number' || NULLABLE_NUMBERS.has(key)) {
    if (text.trim() === '') return null;
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  if (original === null && text.trim() === '') return null;
  return text;
}

/**
 * Edits the single configuration row through PATCH config: the server validates (ConfigPatchDto) and audits the
 * change, and only the fields that changed are sent. Fields are laid out from the configuration itself.
 */
export default function ConfigEdit() {
  const [config, setConfig] = useState<Config | null>(null);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [flags, setFlags] = useState<Record<string, boolean>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<{ variant: 'success' | 'danger'; text: string } | null>(null);

  const show = (loaded: Config) => {
    setConfig(loaded);
    setTexts(
      Object.fromEntries(
        Object.entries(loaded)
          .filter(([, v]) => typeof v !== 'boolean')
          .map(([k, v]) => [k, asText(v)]),
      ),
    );
    setFlags(
      Object.fromEntries(
        Object.entries(loaded)
          .filter(([, v]) => typeof v === 'boolean')
          .map(([k, v]) => [k, v as boolean]),
      ),
    );
  };
  useEffect(() => {
    apiGet<Config>('config')
      .then(show)
      .catch((failure: Error) => setMessage({ variant: 'danger', text: failure.message }));
  }, []);

  if (!config) return message ? <MessageBox variant="danger" message={message.text} /> : <Text>Loading…</Text>;

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    const patch: Config = {};
    for (const [key, original] of Object.entries(config)) {
      if (READ_ONLY.has(key)) continue;
      const next = typeof original === 'boolean' ? flags[key] : fromText(key, texts[key] ?? '', original);
      if (JSON.stringify(next) !== JSON.stringify(original)) patch[key] = next;
    }
    if (Object.keys(patch).length === 0) return setMessage({ variant: 'success', text: 'Nothing changed' });
    try {
      show(await apiSend<Config>('PATCH', 'config', patch));
      setErrors([]);
      setMessage({ variant: 'success', text: `Saved: ${Object.keys(patch).join(', ')}` });
    } catch (failure) {
      setErrors(failure instanceof ApiError ? failure.fields : []);
      setMessage({ variant: 'danger', text: (failure as Error).message });
    }
  };

  return (
    <Box as="form" p="xl" bg="white" onSubmit={save} data-testid="config-form">
      <H2>Metrics configuration</H2>
      <Text color="grey80" mb="lg">
        Saved through the metrics API: every change is validated and written to the audit log with its before and after.
      </Text>
      {message && (
        <Box data-testid={`config-${message.variant === 'success' ? 'saved' : 'error'}`} mb="lg">
          <MessageBox variant={message.variant} message={message.text} />
        </Box>
      )}
      {Object.entries(config).map(([key, value]) => {
        const fieldErrors = errors.filter((error) => error.field === key || error.field.startsWith(`${key}.`));
        return (
          <Box key={key} mb="lg">
            {typeof value === 'boolean' ? (
              <Box flex alignItems="center">
                <CheckBox
                  id={`config-${key}`}
                  data-testid={`config-${key}`}
                  checked={flags[key]}
                  onChange={() => setFlags((all) => ({ ...all, [key]: !all[key] }))}
                />
                <Label inline htmlFor={`config-${key}`} ml="default">
                  {key}
                </Label>
              </Box>
            ) : (
              <>
                <Label htmlFor={`config-${key}`}>{key}</Label>
                {value !== null && typeof value === 'object' && !Array.isArray(value) ? (
                  <TextArea
                    id={`config-${key}`}
                    data-testid={`config-${key}`}
                    value={texts[key]}
                    width="100%"
                    onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) =>
                      setTexts((all) => ({ ...all, [key]: e.target.value }))
                    }
                  />
                ) : (
                  <Input
                    id={`config-${key}`}
                    data-testid={`config-${key}`}
                    value={texts[key]}
                    width="100%"
                    disabled={READ_ONLY.has(key)}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
                      setTexts((all) => ({ ...all, [key]: e.target.value }))
                    }
                  />
                )}
              </>
            )}
            {fieldErrors.map((error) => (
              <Text key={error.message} color="error" fontSize="sm" data-testid={`config-error-${key}`}>
                {error.message}
              </Text>
            ))}
          </Box>
        );
      })}
      <Button type="submit" variant="contained" data-testid="config-save">
        Save
      </Button>
    </Box>
  );
}
