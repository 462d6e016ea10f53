import { Body, Delete, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { metricsValidationPipe } from '../common/validation.js';
import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Audited, auditEntryFor } from '../security/audit.interceptor.js';
import { actorId, type RequestWithActor } from '../security/metrics-access.guard.js';
import { AnnotationDto, AnnotationsQueryDto } from './annotation.dto.js';
import { AnnotationsService, type AnnotationView } from './annotations.service.js';

/** Days marked on every chart ("pricing change", "launch"). Admin only; every change is audited with it. */
@AdminRoutes('metrics: annotations')
export class AnnotationsController {
  constructor(private readonly annotations: AnnotationsService) {}

  @Get('annotations')
  @ApiOperation({ summary: "The annotations of a range: the tenant's and those of no tenant" })
  @ApiOkResponse({ description: '{ annotations: [{ id, day, label, tenant, created_by, created_at }] }' })
  @Audited('read')
  list(@Query(metricsValidationPipe) query: AnnotationsQueryDto): Promise<{ annotations: AnnotationView[] }> {
    return this.annotations.list(query);
  }

  @Post('annotations')
  @ApiOperation({ summary: 'Mark a day on every chart (validated, audited)' })
  @ApiCreatedResponse({ description: 'The annotation' })
  @Audited('annotation_change', { byHandler: true })
  create(@Body(metricsValidationPipe) body: AnnotationDto, @Req() request: RequestWithActor): Promise<AnnotationView> {
    return this.annotations.create(body, actorId(request), auditEntryFor(request, 'annotation_change'));
  }

  @Delete('annotations/:id')
  @ApiOperation({ summary: 'Remove an annotation (audited)' })
  @ApiOkResponse({ description: 'The removed annotation' })
  @ApiNotFoundResponse({ description: 'No such annotation' })
  @Audited('annotation_change', { byHandler: true })
  remove(@Param('id') id: string, @Req() request: RequestWithActor): Promise<AnnotationView> {
    return this.annotations.remove(id, auditEntryFor(request, 'annotation_change'));
  }
}
