import { Injectable } from '@nestjs/common';
import { badRequest } from '../common/validation.js';
import { MetricsConfigService, type MetricsConfigJson } from '../repositories/metrics-config.service.js';
import { AuditService, changedFields, type AuditEntry } from '../security/audit.service.js';
import type { ConfigPatchDto } from './config-patch.dto.js';
import { ConventionsChangeService } from './conventions-change.service.js';

/** An answer of GET or PATCH config with the ETag of the configuration it shows. */
export interface TaggedConfig<T extends MetricsConfigJson = MetricsConfigJson> {
  body: T;
  etag: string;
}

export type ChangedConfig = MetricsConfigJson & { revenue_recompute_run_id?: string | null };

/**
 * Reads and changes of the single configuration row as the API does them: a change is checked against the
 * caller's ETag under the row lock, audited in its transaction, and a change of the revenue conventions rebuilds
 * the ledger in it and recomputes the history afterwards.
 */
@Injectable()
export class ConfigChanges {
  constructor(
    private readonly config: MetricsConfigService,
    private readonly audit: AuditService,
    private readonly conventions: ConventionsChangeService,
  ) {}

  async read(): Promise<TaggedConfig> {
    const config = MetricsConfigService.toJson(await this.config.get());
    return { body: config, etag: MetricsConfigService.etag(config) };
  }

  async change(
    patch: ConfigPatchDto,
    actor: string,
    entry: Omit<AuditEntry, 'outcome'>,
    ifMatch: string | undefined,
  ): Promise<TaggedConfig<ChangedConfig>> {
    const fields = Object.keys(patch);
    // An empty change would still stamp updated_by/updated_at: refuse it rather than record a non-event.
    if (fields.length === 0) throw badRequest([{ field: 'body', message: 'names no field to change' }]);
    const { before, after } = await this.config.update(
      { ...patch },
      actor,
      async (before, now, manager) => {
        await this.conventions.rebuildIfNeeded(before, now, manager);
        await this.audit.record(
          { ...entry, changes: changedFields({ ...before }, { ...now }, fields), outcome: 200 },
          manager,
        );
      },
      ifMatch,
    );
    const etag = MetricsConfigService.etag(after);
    if (!ConventionsChangeService.changed(before, after)) return { body: after, etag };
    // A revenue convention changed: history is recomputed in the background, the answer names the run.
    const run = await this.conventions.recompute(after, actor);
    return { body: { ...after, revenue_recompute_run_id: run?.run_id ?? null }, etag };
  }
}
