import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { badRequest } from '../common/validation.js';
import { MetricsAlertRule } from '../entities/alert.entities.js';
import type { AuditEntry } from '../security/audit.service.js';
import { AuditedChange } from '../security/audited-changes.service.js';
import type { AlertRuleDto } from './alert-rule.dto.js';

export interface AlertRuleView {
  id: string;
  name: string;
  metric: string;
  direction: 'above' | 'below';
  warning: number | null;
  critical: number | null;
  bucket: string;
  tenant: string | null;
  enabled: boolean;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export function ruleView(rule: MetricsAlertRule): AlertRuleView {
  return {
    id: rule.id,
    name: rule.name,
    metric: rule.metric,
    direction: rule.direction,
    warning: rule.warning_level === null ? null : Number(rule.warning_level),
    critical: rule.critical_level === null ? null : Number(rule.critical_level),
    bucket: rule.bucket_type,
    tenant: rule.tenant_id,
    enabled: rule.enabled,
    created_by: rule.created_by,
    created_at: new Date(rule.created_at).toISOString(),
    updated_at: new Date(rule.updated_at).toISOString(),
  };
}

/** A rule needs a level, and its critical level lies beyond its warning level. */
function checkLevels(dto: AlertRuleDto): void {
  const warning = dto.warning ?? null;
  const critical = dto.critical ?? null;
  if (warning === null && critical === null) {
    throw badRequest([{ field: 'warning', message: 'a rule needs a warning or a critical level (or both)' }]);
  }
  if (warning !== null && critical !== null) {
    const wrong = dto.direction === 'above' ? critical < warning : critical > warning;
    if (wrong) {
      throw badRequest([
        {
          field: 'critical',
          message: `must be ${dto.direction === 'above' ? 'at or above' : 'at or below'} the warning level for a rule "${dto.direction}"`,
        },
      ]);
    }
  }
}

/** Admins' threshold rules (created, replaced, deleted over REST; each change audited by the controller). */
@Injectable()
export class AlertRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audited: AuditedChange,
  ) {}

  async list(): Promise<AlertRuleView[]> {
    const rules = await this.dataSource.getRepository(MetricsAlertRule).find({ order: { created_at: 'ASC' } });
    return rules.map(ruleView);
  }

  /** Each change is written with its audit record in one transaction. */
  create(dto: AlertRuleDto, createdBy: string, entry: Omit<AuditEntry, 'outcome'>): Promise<AlertRuleView> {
    return this.audited.run(entry, 201, async (manager) => {
      checkLevels(dto);
      const repository = manager.getRepository(MetricsAlertRule);
      const saved = await repository.save(repository.create({ ...this.columns(dto), created_by: createdBy }));
      return { result: ruleView(await repository.findOneByOrFail({ id: saved.id })) };
    });
  }

  replace(id: string, dto: AlertRuleDto, entry: Omit<AuditEntry, 'outcome'>): Promise<AlertRuleView> {
    return this.audited.run(entry, 200, async (manager) => {
      checkLevels(dto);
      const repository = manager.getRepository(MetricsAlertRule);
      if (!(await repository.existsBy({ id }))) throw new NotFoundException(`No alert rule with id ${id}`);
      await repository.update(id, { ...this.columns(dto), updated_at: new Date() });
      return { result: ruleView(await repository.findOneByOrFail({ id })) };
    });
  }

  /** Its open alerts resolve at the next evaluation (their condition no longer exists). */
  remove(id: string, entry: Omit<AuditEntry, 'outcome'>): Promise<AlertRuleView> {
    return this.audited.run(entry, 200, async (manager) => {
      const repository = manager.getRepository(MetricsAlertRule);
      const rule = await repository.findOneBy({ id });
      if (!rule) throw new NotFoundException(`No alert rule with id ${id}`);
      await repository.delete(id);
      return { result: ruleView(rule) };
    });
  }

  private columns(dto: AlertRuleDto): Partial<MetricsAlertRule> {
    return {
      name: dto.name,
      metric: dto.metric,
      direction: dto.direction,
      warning_level: dto.warning === null || dto.warning === undefined ? null : String(dto.warning),
      critical_level: dto.critical === null || dto.critical === undefined ? null : String(dto.critical),
      bucket_type: dto.bucket ?? 'daily',
      tenant_id: dto.tenant ?? null,
      enabled: dto.enabled ?? true,
    };
  }
}
