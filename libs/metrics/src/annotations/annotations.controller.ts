import { Body, Delete, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { daysBetween } from '../common/calendar-dates.js';
import { ReadCache } from '../repositories/read-cache.service.js';
import { badRequest, metricsValidationPipe } from '../common/validation.js';
import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Audited, auditEntryFor } from '../security/audit.interceptor.js';
import { AuditService } from '../security/audit.service.js';
import type { RequestWithActor } from '../security/metrics-access.guard.js';
import { AnnotationDto, AnnotationsQueryDto } from './annotation.dto.js';
import { AnnotationsService, type AnnotationView } from './annotations.service.js';

const ANNOTATION_ID = /^[1-9]\d{0,17}$/;
/** A dashboard range is at most a few years; a longer list is refused rather than read whole. */
const MAX_DAYS = 3_700;

/** Days marked on every chart ("pricing change", "launch"). Admin only; every change is audited with it. */
@AdminRoutes('metrics: annotations')
export class AnnotationsController {
  constructor(
    private readonly annotations: AnnotationsService,
    private readonly audit: AuditService,
    private readonly cache: ReadCache,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('annotations')
  @ApiOperation({ summary: "The annotations of a range: the tenant's and those of no tenant" })
  @ApiOkResponse({ description: '{ annotations: [{ id, day, label, tenant, created_by, created_at }] }' })
  @Audited('read')
  async list(@Query(metricsValidationPipe) query: AnnotationsQueryDto): Promise<{ annotations: AnnotationView[] }> {
    if (query.start > query.end) throw badRequest([{ field: 'start', message: 'must not be after end' }]);
    if (daysBetween(query.start, query.end) + 1 > MAX_DAYS) {
      throw badRequest([{ field: 'end', message: `a range may span at most ${MAX_DAYS} days` }]);
    }
    return { annotations: await this.annotations.list(query.start, query.end, query.tenant ?? null) };
  }

  @Post('annotations')
  @ApiOperation({ summary: 'Mark a day on every chart (validated, audited)' })
  @ApiCreatedResponse({ description: 'The annotation' })
  @Audited('annotation_change', { byHandler: true })
  create(@Body(metricsValidationPipe) body: AnnotationDto, @Req() request: RequestWithActor): Promise<AnnotationView> {
    return this.audited(request, 201, (manager) =>
      this.annotations.create(body, request.metricsActor?.id ?? 'unknown', manager),
    );
  }

  @Delete('annotations/:id')
  @ApiOperation({ summary: 'Remove an annotation (audited)' })
  @ApiOkResponse({ description: 'The removed annotation' })
  @ApiNotFoundResponse({ description: 'No such annotation' })
  @Audited('annotation_change', { byHandler: true })
  remove(@Param('id') id: string, @Req() request: RequestWithActor): Promise<AnnotationView> {
    if (!ANNOTATION_ID.test(id)) throw badRequest([{ field: 'id', message: 'must be an annotation id' }]);
    return this.audited(request, 200, (manager) => this.annotations.remove(id, manager));
  }

  /** The change and its audit record in one transaction: both or neither. */
  private audited(
    request: RequestWithActor,
    outcome: number,
    change: (manager: EntityManager) => Promise<AnnotationView>,
  ): Promise<AnnotationView> {
    return this.dataSource.transaction(async (manager) => {
      const done = await change(manager);
      await this.audit.record({ ...auditEntryFor(request, 'annotation_change'), outcome }, manager);
      await this.cache.bump(manager);
      return done;
    });
  }
}
