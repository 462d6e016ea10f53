import React, { useEffect, useState } from 'react';
import { Box, Button, H2, H3, MessageBox, Text } from '@adminjs/design-system';
import { ApiError, apiTagged, type FieldError } from './api';
import ConfigFieldEditor from './config-fields';
import { CONFIG_GROUPS, SCHEMA_KEYS, type ConfigField, type ConfigGroup } from './config-schema';
import { fromDraft, toDraft, type ConfigValue, type Draft } from './config-values';
import RunProgress from './run-progress';
import ThemeToggle from './theme-toggle';

type Config = Record<string, ConfigValue>;

/** A field GET config has that the schema does not know yet (a newer API): shown as text so it is never hidden. */
const unknownField = (key: string): ConfigField => ({ key, label: key, kind: 'read-only' });

/**
 * Edits the single configuration row through PATCH config, grouped as config-schema.ts says: the server validates
 * (ConfigPatchDto) and audits the change, only the fields that changed are sent, and a refused field's message
 * is shown under it. A change of a revenue convention starts a recomputation, whose progress is shown.
 */
export default function ConfigEdit() {
  const [config, setConfig] = useState<Config | null>(null);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<{ variant: 'success' | 'danger'; text: string } | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  // The ETag of the configuration shown, sent as If-Match: a save over someone else's newer change is refused.
  const [etag, setEtag] = useState<string | null>(null);

  const groups: ConfigGroup[] = config
    ? [
        ...CONFIG_GROUPS,
        {
          id: 'other',
          title: 'Other',
          fields: Object.keys(config)
            .filter((key) => !SCHEMA_KEYS.has(key))
            .map(unknownField),
        },
      ].filter((group) => group.fields.some((field) => field.key in config))
    : [];
  const fields = groups.flatMap((group) => group.fields.filter((field) => field.key in (config ?? {})));

  const show = (loaded: Config) => {
    setConfig(loaded);
    const known = [...CONFIG_GROUPS.flatMap((group) => group.fields), ...Object.keys(loaded).map(unknownField)];
    setDrafts(
      Object.fromEntries(
        Object.keys(loaded).map((key) => [
          key,
          toDraft(
            known.find((field) => field.key === key)!,
            loaded[key],
          ),
        ]),
      ),
    );
  };
  useEffect(() => {
    apiTagged<Config>('GET', 'config')
      .then((loaded) => {
        setEtag(loaded.etag);
        show(loaded.body);
      })
      .catch((failure: Error) => setMessage({ variant: 'danger', text: failure.message }));
  }, []);

  if (!config) return message ? <MessageBox variant="danger" message={message.text} /> : <Text>Loading…</Text>;

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    const patch: Config = {};
    for (const field of fields) {
      if (field.kind === 'read-only') continue;
      const next = fromDraft(field, drafts[field.key], config[field.key]);
      if (JSON.stringify(next) !== JSON.stringify(config[field.key])) patch[field.key] = next;
    }
    if (Object.keys(patch).length === 0) return setMessage({ variant: 'success', text: 'Nothing changed' });
    try {
      const answer = await apiTagged<Config & { revenue_recompute_run_id?: string | null }>(
        'PATCH',
        'config',
        patch,
        etag,
      );
      const { revenue_recompute_run_id: run, ...saved } = answer.body;
      setEtag(answer.etag);
      show(saved);
      setRunId(typeof run === 'string' ? run : null);
      setErrors([]);
      setMessage({ variant: 'success', text: `Saved: ${Object.keys(patch).join(', ')}` });
    } catch (failure) {
      setErrors(failure instanceof ApiError ? failure.fields : []);
      const stale = failure instanceof ApiError && failure.status === 412;
      setMessage({
        variant: 'danger',
        text: stale
          ? 'Not saved: the configuration was changed by someone else since this page was loaded. Reload the page, then make your change again.'
          : (failure as Error).message,
      });
    }
  };

  return (
    <Box as="form" p={['default', 'xl']} className="em-root" onSubmit={save} data-testid="config-form">
      <Box flex flexDirection="row" justifyContent="space-between" alignItems="center" flexWrap="wrap">
        <H2>Metrics configuration</H2>
        <ThemeToggle />
      </Box>
      <Text className="em-muted" mb="lg">
        Saved through the metrics API: every change is validated and written to the audit log with its before and after.
      </Text>
      {message && (
        <Box data-testid={`config-${message.variant === 'success' ? 'saved' : 'error'}`} mb="lg">
          <MessageBox variant={message.variant} message={message.text} />
        </Box>
      )}
      {runId && <RunProgress key={runId} runId={runId} />}
      {groups.map((group) => (
        <Box
          as="section"
          key={group.id}
          className="em-card"
          p="lg"
          mb="lg"
          style={{ borderRadius: 8 }}
          data-testid={`config-group-${group.id}`}
        >
          <H3 mb="default">{group.title}</H3>
          {group.intro && (
            <Text className="em-muted" mb="lg" data-testid={`config-intro-${group.id}`}>
              {group.intro}
            </Text>
          )}
          {group.fields
            .filter((field) => field.key in config)
            .map((field) => (
              <Box key={field.key}>
                <ConfigFieldEditor
                  field={field}
                  value={drafts[field.key]}
                  onChange={(value) => setDrafts((all) => ({ ...all, [field.key]: value }))}
                />
                {errors
                  .filter((error) => error.field === field.key || error.field.startsWith(`${field.key}.`))
                  .map((error) => (
                    <Text
                      key={error.message}
                      color="error"
                      fontSize="sm"
                      mt="-lg"
                      mb="lg"
                      data-testid={`config-error-${field.key}`}
                    >
                      {error.message}
                    </Text>
                  ))}
              </Box>
            ))}
        </Box>
      ))}
      <Button type="submit" variant="contained" data-testid="config-save">
        Save
      </Button>
    </Box>
  );
}
