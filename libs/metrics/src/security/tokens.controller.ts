import { AdminRoutes } from './admin-routes.decorator.js';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProperty } from '@nestjs/swagger';
import { Body, Delete, Get, Param, Post, Query, Req } from '@nestjs/common';
import { uuidId } from './id-param.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsIn, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { metricsValidationPipe, NoQueryDto } from '../common/validation.js';
import { Audited, auditEntryFor } from './audit.interceptor.js';
import { AuditService } from './audit.service.js';
import { type RequestWithActor } from './metrics-access.guard.js';
import { TokensService, type TokenView } from './tokens.service.js';

export class CreateTokenDto {
  @ApiProperty({ description: 'What the token is for', example: 'warehouse sync' })
  @Matches(/^[\w .@-]{1,100}$/, { message: 'must be 1 to 100 letters, digits, spaces or _ . @ -' })
  name: string;

  @ApiProperty({ enum: ['admin', 'ingest'], description: 'admin: read, configure, run; ingest: post events only' })
  @IsIn(['admin', 'ingest'], { message: 'must be admin or ingest' })
  scope: 'admin' | 'ingest';
}

/** Integration tokens: list, create (the token is shown once), revoke. Each change is audited with it. */
@AdminRoutes('metrics: security')
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('tokens')
  @ApiOperation({ summary: 'Integration tokens (never the tokens themselves)' })
  @ApiOkResponse({
    description: '[{ id, name, scope, token_prefix, created_by, created_at, last_used_at, revoked_at }]',
  })
  @Audited('read')
  // The query is validated only, so that an unknown parameter is refused by name rather than ignored.
  list(@Query(metricsValidationPipe) _query: NoQueryDto): Promise<TokenView[]> {
    return this.tokens.list();
  }

  @Post('tokens')
  @ApiOperation({ summary: 'Create a token; the answer shows it once' })
  @ApiCreatedResponse({ description: 'The token record and `token`, shown only now' })
  @Audited('token_create', { byHandler: true })
  create(@Body(metricsValidationPipe) body: CreateTokenDto, @Req() request: RequestWithActor) {
    return this.dataSource.transaction(async (manager) => {
      const created = await this.tokens.create(body.name, body.scope, request.metricsActor?.id ?? 'unknown', manager);
      await this.audit.record({ ...auditEntryFor(request, 'token_create'), outcome: 201 }, manager);
      return created;
    });
  }

  @Delete('tokens/:id')
  @ApiOperation({ summary: 'Revoke a token' })
  @ApiOkResponse({ description: 'The revoked token record' })
  @Audited('token_revoke', { byHandler: true })
  revoke(@Param('id', uuidId()) id: string, @Req() request: RequestWithActor): Promise<TokenView> {
    return this.dataSource.transaction(async (manager) => {
      const revoked = await this.tokens.revoke(id, request.metricsActor?.id ?? 'unknown', manager);
      await this.audit.record({ ...auditEntryFor(request, 'token_revoke'), outcome: 200 }, manager);
      return revoked;
    });
  }
}
