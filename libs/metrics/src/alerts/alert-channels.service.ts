import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AlertChannelsRepository,
  type AlertChannelRow,
  type ChannelFields,
} from '../repositories/alert-channels.repository.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { badRequest } from '../common/validation.js';
import type { AuditEntry } from '../security/audit.service.js';
import { AuditedChange } from '../security/audited-changes.service.js';
import { resolveAlertsSettings } from './alerts.options.js';
import { ALLOW_HINT, hostProblem } from './outbound-guard.js';
import type { AlertChannelDto, EmailSettingsDto, WebhookSettingsDto } from './alert-channel.dto.js';

export type ChannelSettings =
  { type: 'email'; email: EmailSettingsDto } | { type: 'webhook'; webhook: WebhookSettingsDto };

/** A channel as the API shows it: secrets masked (password, webhook path and query, header values). */
export interface ChannelView {
  id: string;
  name: string;
  type: 'email' | 'webhook';
  enabled: boolean;
  email?: Omit<EmailSettingsDto, 'password'> & { password: '***' | null };
  webhook?: { url: string; format: 'json' | 'slack'; headers: Record<string, '***'> };
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export const MASK = '***';

/** A webhook URL with only its origin shown: Slack-style URLs carry their secret in the path. */
export function maskUrl(url: string): string {
  try {
    return `${new URL(url).origin}/${MASK}`;
  } catch {
    return MASK;
  }
}

function view(channel: AlertChannelRow, settings: ChannelSettings): ChannelView {
  const base = {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    enabled: channel.enabled,
    created_by: channel.created_by,
    created_at: new Date(channel.created_at).toISOString(),
    updated_at: new Date(channel.updated_at).toISOString(),
  };
  if (settings.type === 'email') {
    const { password, ...email } = settings.email;
    return { ...base, email: { ...email, password: password ? MASK : null } };
  }
  const { url, format, headers } = settings.webhook;
  return {
    ...base,
    webhook: {
      url: maskUrl(url),
      format,
      headers: Object.fromEntries(Object.keys(headers ?? {}).map((name) => [name, MASK])),
    },
  };
}

function fieldsOf(dto: AlertChannelDto, settings: ChannelSettings): ChannelFields {
  return { name: dto.name, type: dto.type, enabled: dto.enabled ?? true, settings: JSON.stringify(settings) };
}

/** Delivery channels, stored with their secrets; the secrets never leave through this service's views. */
@Injectable()
export class AlertChannelsService {
  private readonly allowPrivate: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetricsOptions() options: ResolvedMetricsOptions,
    private readonly repository: AlertChannelsRepository,
    private readonly audited: AuditedChange,
  ) {
    this.allowPrivate = resolveAlertsSettings(options.alerts).delivery.allowPrivateNetworks;
  }

  async list(): Promise<ChannelView[]> {
    const channels = await this.withSettings(this.dataSource.manager);
    return channels.map(({ channel, settings }) => view(channel, settings));
  }

  /** Every channel (or those of `ids`) with its secrets, for the delivery worker only. */
  async withSettings(
    manager: EntityManager,
    ids?: string[],
  ): Promise<{ channel: AlertChannelRow; settings: ChannelSettings }[]> {
    const channels = await this.repository.list(manager, ids ?? null);
    return channels.map((channel) => ({ channel, settings: channel.settings as unknown as ChannelSettings }));
  }

  /** Each change is written with its audit record in one transaction; the record shows the masked channel. */
  create(dto: AlertChannelDto, createdBy: string, entry: Omit<AuditEntry, 'outcome'>): Promise<ChannelView> {
    return this.audited.run(entry, 201, async (manager) => {
      const settings = this.settingsOf(dto);
      const created = view(await this.repository.insert(manager, fieldsOf(dto, settings), createdBy), settings);
      return { result: created, changes: { channel: { before: null, after: created } } };
    });
  }

  replace(id: string, dto: AlertChannelDto, entry: Omit<AuditEntry, 'outcome'>): Promise<ChannelView> {
    return this.audited.run(entry, 200, async (manager) => {
      const settings = this.settingsOf(dto);
      const row = await this.repository.replace(manager, id, fieldsOf(dto, settings));
      if (!row) throw new NotFoundException(`No alert channel with id ${id}`);
      const replaced = view(row, settings);
      return { result: replaced, changes: { channel: { before: null, after: replaced } } };
    });
  }

  remove(id: string, entry: Omit<AuditEntry, 'outcome'>): Promise<ChannelView> {
    return this.audited.run(entry, 200, async (manager) => {
      const row = await this.repository.remove(manager, id);
      if (!row) throw new NotFoundException(`No alert channel with id ${id}`);
      const removed = view(row, row.settings as unknown as ChannelSettings);
      return { result: removed, changes: { channel: { before: removed, after: null } } };
    });
  }

  private settingsOf(dto: AlertChannelDto): ChannelSettings {
    if (dto.type === 'email') {
      if (dto.webhook) throw badRequest([{ field: 'webhook', message: 'must be absent for an email channel' }]);
      this.assertPublic('email.host', dto.email!.host);
      return { type: 'email', email: { ...dto.email! } };
    }
    if (dto.email) throw badRequest([{ field: 'email', message: 'must be absent for a webhook channel' }]);
    this.assertPublic('webhook.url', URL.parse(dto.webhook!.url)?.hostname ?? '');
    return { type: 'webhook', webhook: { ...dto.webhook! } };
  }

  /** An IP literal or internal name is refused when saved; names are checked again at each delivery. */
  private assertPublic(field: string, host: string): void {
    const problem = this.allowPrivate ? null : hostProblem(host);
    if (problem) throw badRequest([{ field, message: `${problem}: ${ALLOW_HINT}` }]);
  }
}
