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
import { ApiMetricsErrors } from '../openapi/api-docs.js';
import { metricsValidationPipe } from '../common/validation.js';
import { Audited, AuditInterceptor, auditEntryFor } from '../security/audit.interceptor.js';
import { actorId, MetricsAccess, MetricsAccessGuard, type RequestWithActor } from '../security/metrics-access.guard.js';
import { AlertChannelDto } from './alert-channel.dto.js';
import { AlertChannelsService, type ChannelView } from './alert-channels.service.js';
import { AlertRuleDto, AlertsQueryDto, DeliveriesQueryDto } from './alert-rule.dto.js';
import { AlertRulesService, type AlertRuleView } from './alert-rules.service.js';
import type { AlertView } from './alert-view.js';
import { AlertsService, type AlertPage } from './alerts.service.js';
import { MetricsRoutes } from '../security/metrics-routes.decorator.js';

/**
 * Alerts, their rules, delivery channels and the delivery log. Admin only; reads are audited, and every change
 * is audited in the same transaction as the change itself (the services run both; channel secrets never reach
 * the audit record).
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
    return this.alerts.acknowledge(id, actorId(request), auditEntryFor(request, 'alert_ack'));
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
    return this.rules.create(body, actorId(request), auditEntryFor(request, 'alert_rule_change'));
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
    return this.rules.replace(id, body, auditEntryFor(request, 'alert_rule_change'));
  }

  @Delete('alerts/rules/:id')
  @ApiOperation({ summary: 'Delete a rule (its open alerts resolve at the next evaluation)' })
  @ApiOkResponse({ description: 'The deleted rule' })
  @ApiNotFoundResponse({ description: 'No such rule' })
  @Audited('alert_rule_change', { byHandler: true })
  deleteRule(@Param('id', uuidId()) id: string, @Req() request: RequestWithActor): Promise<AlertRuleView> {
    return this.rules.remove(id, auditEntryFor(request, 'alert_rule_change'));
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
    return this.channels.create(body, actorId(request), auditEntryFor(request, 'alert_channel_change'));
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
    return this.channels.replace(id, body, auditEntryFor(request, 'alert_channel_change'));
  }

  @Delete('alerts/channels/:id')
  @ApiOperation({ summary: 'Remove a channel (its log stays; its pending deliveries fail)' })
  @ApiOkResponse({ description: 'The removed channel, secrets masked' })
  @ApiNotFoundResponse({ description: 'No such channel' })
  @Audited('alert_channel_change', { byHandler: true })
  deleteChannel(@Param('id', uuidId()) id: string, @Req() request: RequestWithActor): Promise<ChannelView> {
    return this.channels.remove(id, auditEntryFor(request, 'alert_channel_change'));
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
}
