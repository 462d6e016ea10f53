import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { MetricsApiToken, type TokenScope } from '../entities/security.entity.js';

export interface TokenView {
  id: string;
  name: string;
  scope: TokenScope;
  token_prefix: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);
const view = (token: MetricsApiToken): TokenView => ({
  id: token.id,
  name: token.name,
  scope: token.scope,
  token_prefix: token.token_prefix,
  created_by: token.created_by,
  created_at: new Date(token.created_at).toISOString(),
  last_used_at: iso(token.last_used_at),
  revoked_at: iso(token.revoked_at),
});

/**
 * Bearer tokens for integrations, each with a scope: `admin` (read, configure, run) or `ingest` (post events).
 * Tokens are random and long, so a plain SHA-256 of them is a safe lookup key; the clear token is never stored.
 */
@Injectable()
export class TokensService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(
    name: string,
    scope: TokenScope,
    createdBy: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<TokenView & { token: string }> {
    const token = `emt_${scope === 'admin' ? 'a' : 'i'}_${randomBytes(24).toString('base64url')}`;
    const saved = await this.store(manager, token, name, scope, createdBy);
    return { ...view(saved), token };
  }

  /** Makes sure a token given in the module options exists (a token an admin revoked stays revoked). */
  async ensure(token: string, name: string, scope: TokenScope): Promise<void> {
    const exists = await this.dataSource.getRepository(MetricsApiToken).existsBy({ token_hash: hashToken(token) });
    if (!exists) await this.store(this.dataSource.manager, token, name, scope, 'module options');
  }

  async verify(token: string): Promise<Pick<MetricsApiToken, 'id' | 'name' | 'scope'> | null> {
    const found = await this.dataSource.getRepository(MetricsApiToken).findOneBy({ token_hash: hashToken(token) });
    if (!found || found.revoked_at) return null;
    const stale = !found.last_used_at || Date.now() - new Date(found.last_used_at).getTime() > 60_000;
    // Usage is noted at most once a minute, off the request path.
    if (stale)
      void this.dataSource
        .getRepository(MetricsApiToken)
        .update(found.id, { last_used_at: new Date() })
        .catch(() => undefined);
    return found;
  }

  async list(): Promise<TokenView[]> {
    const tokens = await this.dataSource.getRepository(MetricsApiToken).find({ order: { created_at: 'DESC' } });
    return tokens.map(view);
  }

  async revoke(id: string, by: string, manager: EntityManager = this.dataSource.manager): Promise<TokenView> {
    const repository = manager.getRepository(MetricsApiToken);
    const token = await repository.findOneBy({ id });
    if (!token) throw new NotFoundException(`No token with id ${id}`);
    if (!token.revoked_at) await repository.update(id, { revoked_at: new Date(), revoked_by: by });
    return view(await repository.findOneByOrFail({ id }));
  }

  private async store(manager: EntityManager, token: string, name: string, scope: TokenScope, createdBy: string) {
    const repository = manager.getRepository(MetricsApiToken);
    const saved = await repository.save(
      repository.create({
        name,
        scope,
        token_hash: hashToken(token),
        token_prefix: token.slice(0, 8),
        created_by: createdBy,
      }),
    );
    return repository.findOneByOrFail({ id: saved.id });
  }
}
