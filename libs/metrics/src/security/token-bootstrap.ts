import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { TokensService } from './tokens.service.js';

/** Tokens named in the module options (the demo's METRICS_ADMIN_TOKEN, say) become stored, hashed tokens. */
@Injectable()
export class TokenBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly tokens: TokensService,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const token of this.options.adminTokens ?? [])
      await this.tokens.ensure(token, 'admin token (options)', 'admin');
    for (const token of this.options.ingestTokens ?? [])
      await this.tokens.ensure(token, 'ingest token (options)', 'ingest');
  }
}
