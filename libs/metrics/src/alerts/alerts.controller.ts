import { uuidId } from '../security/id-param.js';
import { Body, Delete, Get, HttpCode, Param, Post, Put, Query, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { ReadCache } from '../repositories/read-cache.service.js';
import { badRequest, metricsValidationPipe } from '../common/validation.js';
import { Audited, AuditInterceptor, auditEntryFor } from '../security/audit.interceptor.js';
import { AuditService, type AuditAction } from '../security/audit.service.js';
import { MetricsAccess, MetricsAccessGuard, type RequestWithActor } from '../security/metrics-access.guard.js';
import { AlertChannelDto } from './alert-channel.dto.js';
import { AlertChannelsService, type ChannelView } from './alert-channels.service.js';
import { AlertRuleDto, AlertsQueryDto, DeliveriesQueryDto } from './alert-rule.dto.js';
import { AlertRulesService, type AlertRuleView } from './alert-rules.service.js';
import type { AlertView } from './alert-view.js';
import { AlertsService, type AlertPage } from './alerts.service.js';
import { MetricsRoutes } from '../security/metrics-routes.decorator.js';

const ALERT_ID = /^[1-9]\d{0,17}$/;

/**
 * Alerts, their rules, delivery channels and the delivery log. Admin only; reads are audited, and every change
 * is audited in the same transaction as the change itself (channel secrets never reach the audit record).
 */
@MetricsRoutes()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('admin')
@UseInterceptors(AuditInterceptor)
@ApiTags('metrics: alerts')
@ApiMetricsErrors()
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly rules: AlertRulesService,
    private readonly channels: AlertChannelsService,
    private readonly audit: AuditService,
    private readonly cache: ReadCache,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('alerts')
  @ApiOperation({
    summary: 'Alert history, newest first; filters status (active = open or acknowledged), tenant, severity, kind',
  })
  @ApiOkResponse({ description: '{ alerts: [...], total, limit, offset }' })
  @Audited('read')
  list(@Query(metricsValidationPipe) query: AlertsQueryDto): Promise<AlertPage> {
    return this.alerts.list(query);
  }

  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an open alert (409 when it is already resolved)' })
  @ApiOkResponse({ description: 'The alert, status acknowledged, with acknowledged_by and acknowledged_at' })
  @ApiNotFoundResponse({ description: 'No such alert' })
  @ApiConflictResponse({ description: 'The alert is resolved' })
  @Audited('alert_ack', { byHandler: true })
  acknowledge(@Param('id') id: string, @Req() request: RequestWithActor): Promise<AlertView> {
    if (!ALERT_ID.test(id)) throw badRequest([{ field: 'id', message: 'must be an alert id' }]);
    return this.audited(request, 'alert_ack', 200, (manager) =>
      this.alerts.acknowledge(id, request.metricsActor?.id ?? 'unknown', manager),
    );
  }

  @Get('alerts/rules')
  @ApiOperation({ summary: "Admins' threshold rules" })
  @ApiOkResponse({ description: '[{ id, name, metric, direction, warning, critical, bucket, tenant, enabled, … }]' })
  @Audited('read')
  listRules(): Promise<AlertRuleView[]> {
    return this.rules.list();
  }

  @Post('alerts/rules')
  @ApiOperation({ summary: 'Add a threshold rule on any catalog metric (above or below, warning and/or critical)' })
  @ApiCreatedResponse({ description: 'The rule' })
  @Audited('alert_rule_change', { byHandler: true })
  createRule(
    @Body(metricsValidationPipe) body: AlertRuleDto,
    @Req() request: RequestWithActor,
  ): Promise<AlertRuleView> {
    return this.audited(request, 'alert_rule_change', 201, (manager) =>
      this.rules.create(body, request.metricsActor?.id ?? 'unknown', manager),
    );
  }

  @Put('alerts/rules/:id')
  @ApiOperation({ summary: 'Replace a rule' })
  @ApiOkResponse({ description: 'The rule' })
  @ApiNotFoundResponse({ description: 'No such rule' })
  @Audited('alert_rule_change', { byHandler: true })
  replaceRule(
    @Param('id', uuidId()) id: string,
    @Body(metricsValidationPipe) body: AlertRuleDto,
    @Req() request: RequestWithActor,
  ): Promise<AlertRuleView> {
    return this.audited(request, 'alert_rule_change', 200, (manager) => this.rules.replace(id, body, manager));
  }

  @Delete('alerts/rules/:id')
  @ApiOperation({ summary: 'Delete a rule (its open alerts resolve at the next evaluation)' })
  @ApiOkResponse({ description: 'The deleted rule' })
  @ApiNotFoundResponse({ description: 'No such rule' })
  @Audited('alert_rule_change', { byHandler: true })
  deleteRule(@Param('id', uuidId()) id: string, @Req() request: RequestWithActor): Promise<AlertRuleView> {
    return this.audited(request, 'alert_rule_change', 200, (manager) => this.rules.remove(id, manager));
  }

  @Get('alerts/channels')
  @ApiOperation({ summary: 'Delivery channels (passwords, webhook URLs and header values masked)' })
  @ApiOkResponse({ description: '[{ id, name, type, enabled, email | webhook }] with secrets masked' })
  @Audited('read')
  listChannels(): Promise<ChannelView[]> {
    return this.channels.list();
  }

  @Post('alerts/channels')
  @ApiOperation({ summary: 'Add an email (SMTP) or webhook (JSON or Slack) channel' })
  @ApiCreatedResponse({ description: 'The channel, secrets masked' })
  @Audited('alert_channel_change', { byHandler: true })
  createChannel(
    @Body(metricsValidationPipe) body: AlertChannelDto,
    @Req() request: RequestWithActor,
  ): Promise<ChannelView> {
    return this.audited(request, 'alert_channel_change', 201, async (manager) => {
      const created = await this.channels.create(body, request.metricsActor?.id ?? 'unknown', manager);
      return { result: created, changes: { channel: { before: null, after: created } } };
    });
  }

  @Put('alerts/channels/:id')
  @ApiOperation({ summary: 'Replace a channel (send the secrets again: they are never read back)' })
  @ApiOkResponse({ description: 'The channel, secrets masked' })
  @ApiNotFoundResponse({ description: 'No such channel' })
  @Audited('alert_channel_change', { byHandler: true })
  replaceChannel(
    @Param('id', uuidId()) id: string,
    @Body(metricsValidationPipe) body: AlertChannelDto,
    @Req() request: RequestWithActor,
  ): Promise<ChannelView> {
    return this.audited(request, 'alert_channel_change', 200, async (manager) => {
      const replaced = await this.channels.replace(id, body, manager);
      return { result: replaced, changes: { channel: { before: null, after: replaced } } };
    });
  }

  @Delete('alerts/channels/:id')
  @ApiOperation({ summary: 'Remove a channel (its log stays; its pending deliveries fail)' })
  @ApiOkResponse({ description: 'The removed channel, secrets masked' })
  @ApiNotFoundResponse({ description: 'No such channel' })
  @Audited('alert_channel_change', { byHandler: true })
  deleteChannel(@Param('id', uuidId()) id: string, @Req() request: RequestWithActor): Promise<ChannelView> {
    return this.audited(request, 'alert_channel_change', 200, async (manager) => {
      const removed = await this.channels.remove(id, manager);
      return { result: removed, changes: { channel: { before: removed, after: null } } };
    });
  }

  @Get('alerts/deliveries')
  @ApiOperation({ summary: 'The delivery log: each alert event per channel with attempts, status and last error' })
  @ApiOkResponse({
    description:
      '{ deliveries: [{ id, alert_id, channel_name, event, status, attempts, last_error, next_attempt_at, … }], total, limit, offset }',
  })
  @Audited('read')
  deliveries(@Query(metricsValidationPipe) query: DeliveriesQueryDto) {
    return this.alerts.deliveries(query);
  }

  /** Runs a change and its audit record in one transaction: both are written or neither. */
  private audited<T>(
    request: RequestWithActor,
    action: AuditAction,
    outcome: number,
    change: (
      manager: EntityManager,
    ) => Promise<T | { result: T; changes: Record<string, { before: unknown; after: unknown }> }>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const done = await change(manager);
      const wrapped = done && typeof done === 'object' && 'result' in done && 'changes' in done;
      const entry = auditEntryFor(request, action);
      await this.audit.record(
        {
          ...entry,
          ...(wrapped
            ? { changes: (done as { changes: Record<string, { before: unknown; after: unknown }> }).changes }
            : {}),
          outcome,
        },
        manager,
      );
      // Rules and acknowledgements show in GET summary: cached answers must go.
      await this.cache.bump(manager);
      return wrapped ? (done as { result: T }).result : done;
    });
  }
}
