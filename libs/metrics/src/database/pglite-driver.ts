import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { loadOptionalPackage } from '../common/optional-package.js';

/**
 * A `pg`-shaped driver for TypeORM over one in-process PGlite database.
 *
 * PGlite has a single session, so two TypeORM query runners sharing it would interleave their
 * BEGIN/COMMIT. This pool hands the session to one query runner at a time (a pool of size one),
 * which keeps transactions isolated exactly as they are on a real PostgreSQL server.
 */
export interface PgliteDriverHandle {
  /** Pass as `driver` in TypeORM's postgres options. */
  driver: { Pool: new () => EventEmitter };
  /** The PGlite instance, created on first use. */
  instance(): Promise<PGlite>;
}

type QueryCallback = (error: Error | null, result?: unknown) => void;

export function createPgliteDriver(dataDir?: string, options: PGliteOptions = {}): PgliteDriverHandle {
  let db: Promise<PGlite> | undefined;
  const instance = (): Promise<PGlite> => {
    if (!db && dataDir && !dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
    // PGlite is an optional peer, loaded when a data source without a URL first connects.
    db ??= loadOptionalPackage(
      '@electric-sql/pglite',
      'The embedded database (no databaseUrl)',
      () => import('@electric-sql/pglite'),
    ).then(({ PGlite, types }) =>
      PGlite.create({
        ...options,
        dataDir,
        // Same shape as `pg` for dates: a DATE stays the 'YYYY-MM-DD' string it is.
        parsers: { [types.DATE]: (value: string) => value, ...(options.parsers ?? {}) },
      }),
    );
    return db;
  };

  let queue: Promise<void> = Promise.resolve();
  const acquire = (): Promise<() => void> => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = queue.then(() => release);
    queue = queue.then(() => held);
    return ready;
  };

  class PgliteSession extends EventEmitter {
    query(text: string, params?: unknown[] | QueryCallback, callback?: QueryCallback): Promise<unknown> {
      const cb = typeof params === 'function' ? params : callback;
      const values = Array.isArray(params) ? params : undefined;
      const run = instance().then((pg) =>
        values && values.length > 0
          ? pg.query(text, values)
          : pg.exec(text).then((all) => all[all.length - 1] ?? { rows: [] }),
      );
      run.then(
        (result) => cb?.(null, result),
        (error: Error) => cb?.(error),
      );
      return run;
    }
  }

  class PglitePool extends EventEmitter {
    connect(callback: (error: Error | null, client?: PgliteSession, done?: () => void) => void): void {
      Promise.all([instance(), acquire()]).then(
        ([, release]) => {
          let released = false;
          callback(null, new PgliteSession(), () => {
            if (!released) release();
            released = true;
          });
        },
        (error: Error) => callback(error),
      );
    }
    end(callback?: (error?: Error) => void): void {
      instance()
        .then((pg) => pg.close())
        .then(
          () => callback?.(),
          (error: Error) => callback?.(error),
        );
    }
  }

  return { driver: { Pool: PglitePool }, instance };
}
