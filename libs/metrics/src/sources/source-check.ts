import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions, SourceName } from '../metrics.options.js';
import {
  hostRelation,
  SOURCE_NAMES,
  SOURCE_TABLES,
  SourceRelations,
  type ColumnKind,
  type ColumnType,
} from '../sql/source-relations.js';
import {
  RelationParameterError,
  SourceCheckRepository,
  type RelationColumn,
} from '../repositories/source-check.repository.js';

/** A host relation given in `sources` that the module cannot read, with what to change. */
export class SourceCheckError extends Error {
  constructor(
    readonly source: SourceName,
    readonly column: string | null,
    message: string,
  ) {
    super(`MetricsModule: sources.${source}${column ? ` column ${column}` : ''}: ${message}`);
    this.name = 'SourceCheckError';
  }
}

/** The types each kind of column may have (pg_type.typname or category), as a host developer reads them. */
const ACCEPTED: Record<ColumnKind, { accepts: (type: ColumnType) => boolean; expected: string }> = {
  id: {
    accepts: (t) => t.category === 'S' || ['int2', 'int4', 'int8', 'uuid'].includes(t.typname),
    expected: 'text, varchar, smallint, integer, bigint or uuid',
  },
  label: { accepts: (t) => t.category === 'S' || t.category === 'E', expected: 'text, varchar or an enum' },
  time: {
    accepts: (t) => t.typname === 'timestamptz' || t.typname === 'timestamp',
    expected: 'timestamptz, or timestamp (read as UTC)',
  },
  count: { accepts: (t) => ['int2', 'int4', 'int8', 'numeric'].includes(t.typname), expected: 'an integer type' },
  amount: { accepts: (t) => t.category === 'N', expected: 'a number type' },
  histogram: { accepts: (t) => ['_int2', '_int4', '_int8'].includes(t.typname), expected: 'bigint[] or integer[]' },
};

/** A relation as a message names it: a name as it is, a SELECT shortened. */
function described(relation: string): string {
  return relation.startsWith('(') ? 'the parenthesised SELECT' : relation;
}

/**
 * The relations the compute reads for each source. At module start every host relation given in `sources` is
 * checked (it exists, exposes the source's columns with usable types, and can be read through the casts), so a
 * bad one stops the app with a message naming the source and the column instead of failing every run later.
 */
@Injectable()
export class MetricsSources implements OnModuleInit {
  private readonly logger = new Logger('MetricsSources');
  private current: SourceRelations;

  constructor(
    private readonly repository: SourceCheckRepository,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {
    // Not a name or a parenthesised SELECT: rejected here, before anything connects.
    this.current = new SourceRelations(options.sources);
  }

  /** The relations to interpolate, with the casts chosen from the checked column types. */
  get relations(): SourceRelations {
    return this.current;
  }

  async onModuleInit(): Promise<void> {
    this.current = await this.check();
    const hosts = SOURCE_NAMES.filter((name) => !this.current.isOwn(name));
    if (hosts.length > 0) this.logger.log(`reading host relations for sources: ${hosts.join(', ')}`);
  }

  /** Checks every host relation; throws a SourceCheckError for the first one the module cannot read. */
  async check(): Promise<SourceRelations> {
    const types: Partial<Record<SourceName, Record<string, ColumnType>>> = {};
    for (const name of SOURCE_NAMES) {
      const override = this.options.sources[name];
      if (override?.trim()) types[name] = await this.checkSource(name, hostRelation(name, override));
    }
    const relations = new SourceRelations(this.options.sources, types);
    for (const name of SOURCE_NAMES) {
      if (!relations.isOwn(name)) await this.asSourceCheck(name, () => this.repository.read(relations.from(name)));
    }
    return relations;
  }

  /**
   * After a failed statement that read host relations: the check again, so that a relation changed since start
   * (a dropped column, a renamed view) is reported by source and column. Returns the error to surface.
   */
  async explain(error: unknown): Promise<unknown> {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || !code.startsWith('42') || SOURCE_NAMES.every((n) => this.current.isOwn(n))) {
      return error;
    }
    try {
      // Still readable (a column's type changed, say): the next statement uses casts for the types it has now.
      this.current = await this.check();
    } catch (checkError) {
      if (checkError instanceof SourceCheckError) return checkError;
    }
    return error;
  }

  private async checkSource(name: SourceName, relation: string): Promise<Record<string, ColumnType>> {
    const found: RelationColumn[] = await this.asSourceCheck(name, () => this.repository.columns(relation));
    const byName = new Map(found.map((row) => [row.column_name, row]));
    const types: Record<string, ColumnType> = {};
    for (const [column, kind] of Object.entries(SOURCE_TABLES[name].columns)) {
      const type = byName.get(column);
      if (!type) {
        throw new SourceCheckError(
          name,
          column,
          `${described(relation)} has no column "${column}" (it has ${found.map((row) => row.column_name).join(', ') || 'no columns'}); ` +
            `expose ${Object.keys(SOURCE_TABLES[name].columns).join(', ')}, renaming with AS in a view or a parenthesised SELECT`,
        );
      }
      if (!ACCEPTED[kind].accepts(type)) {
        throw new SourceCheckError(
          name,
          column,
          `is ${type.display} in ${described(relation)}; it must be ${ACCEPTED[kind].expected} (cast it in a view or a parenthesised SELECT)`,
        );
      }
      types[column] = { display: type.display, typname: type.typname, category: type.category };
    }
    return types;
  }

  /** Runs a read of the check, turning its failure into a SourceCheckError that names the source. */
  private async asSourceCheck<T>(name: SourceName, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof RelationParameterError) {
        throw new SourceCheckError(
          name,
          null,
          `${error.message}: a ":name" in the relation is read as a query parameter (write ::type casts without spaces and avoid ":" before a letter in literals)`,
        );
      }
      throw new SourceCheckError(name, null, `cannot be read: ${(error as Error).message}`);
    }
  }
}
