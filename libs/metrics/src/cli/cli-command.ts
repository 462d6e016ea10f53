import { parseArgs } from 'node:util';
import { isCalendarDate } from '../common/calendar-dates.js';

export const CLI_USAGE = `Commands:
  migrate                                   apply pending migrations of the host's data source and exit
  backfill --start YYYY-MM-DD --end YYYY-MM-DD [--tenant T]
                                            compute daily, weekly, monthly snapshots and cohorts (with progress)
  compute --date YYYY-MM-DD [--tenant T]    compute one day (and its week and month)
  cohorts --month YYYY-MM                   compute the signup cohorts of one month
  token create --name NAME --scope admin|ingest
                                            create an integration token (printed once)
  token revoke --id ID                      revoke a token
  token list                                list tokens (never the tokens themselves)
  audit verify                              verify the audit trail's hash chain (exit 1 when broken)
  audit archive --before YYYY-MM            detach the audit trail's months before that one for archiving, keeping
                                            the chain verifiable from their last record (exit 1 when refused)
  verify [--sample N]                       check the stored data: audit chain, revenue reconciliation, N days of
                                            snapshots recomputed (5), dirty days, stuck runs, failing deliveries,
                                            pending migrations (exit 1 when a check fails)`;

/** One command line, checked before anything connects to the database. */
export type CliCommand =
  | { kind: 'migrate' }
  | { kind: 'run'; start: string; end: string; tenant: string | null }
  | { kind: 'cohorts'; month: string }
  | { kind: 'token-create'; name: string; scope: 'admin' | 'ingest' }
  | { kind: 'token-revoke'; id: string }
  | { kind: 'token-list' }
  | { kind: 'audit-verify' }
  | { kind: 'audit-archive'; before: string }
  | { kind: 'verify'; sample: number };

/** A command line that cannot run: the message says what to change (exit code 2). */
export class CliUsageError extends Error {}

function date(value: string | undefined, name: string): string {
  if (!value || !isCalendarDate(value)) throw new CliUsageError(`--${name} must be a calendar date as YYYY-MM-DD`);
  return value;
}

export function parseCliCommand(argv: string[]): CliCommand {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      start: { type: 'string' },
      end: { type: 'string' },
      date: { type: 'string' },
      tenant: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string' },
      id: { type: 'string' },
      month: { type: 'string' },
      sample: { type: 'string' },
      before: { type: 'string' },
    },
  });
  const [command, subcommand] = positionals;
  const tenant = values.tenant ?? null;
  switch (command) {
    case 'migrate':
      return { kind: 'migrate' };
    case 'backfill': {
      const start = date(values.start, 'start');
      const end = date(values.end, 'end');
      if (start > end) throw new CliUsageError('--start must not be after --end');
      return { kind: 'run', start, end, tenant };
    }
    case 'compute': {
      const day = date(values.date, 'date');
      return { kind: 'run', start: day, end: day, tenant };
    }
    case 'cohorts': {
      const month = values.month ?? '';
      if (!/^\d{4}-\d{2}$/.test(month) || !isCalendarDate(`${month}-01`))
        throw new CliUsageError('--month must be a month as YYYY-MM');
      return { kind: 'cohorts', month: `${month}-01` };
    }
    case 'token':
      if (subcommand === 'create') {
        if (!values.name || (values.scope !== 'admin' && values.scope !== 'ingest'))
          throw new CliUsageError('token create needs --name and --scope admin|ingest');
        return { kind: 'token-create', name: values.name, scope: values.scope };
      }
      if (subcommand === 'revoke') {
        if (!values.id) throw new CliUsageError('token revoke needs --id');
        return { kind: 'token-revoke', id: values.id };
      }
      if (subcommand === 'list') return { kind: 'token-list' };
      throw new CliUsageError('token needs create, revoke or list');
    case 'audit':
      if (subcommand === 'verify') return { kind: 'audit-verify' };
      if (subcommand === 'archive') {
        const before = values.before ?? '';
        if (!/^\d{4}-\d{2}$/.test(before) || !isCalendarDate(`${before}-01`))
          throw new CliUsageError('--before must be a month as YYYY-MM');
        return { kind: 'audit-archive', before };
      }
      throw new CliUsageError('audit needs verify or archive');
    case 'verify': {
      const sample = values.sample === undefined ? 5 : Number(values.sample);
      if (!Number.isInteger(sample) || sample < 1 || sample > 366)
        throw new CliUsageError('--sample must be a whole number of days, 1 to 366');
      return { kind: 'verify', sample };
    }
    default:
      throw new CliUsageError(`Unknown command: ${command ?? '(none)'}`);
  }
}
