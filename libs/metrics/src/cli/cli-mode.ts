/**
 * Set while a command line command runs (runMetricsCli): the module then starts no cron job and no catch-up, so a
 * command does exactly the work it names (the host's own scheduled jobs are the host's to guard).
 */
export const METRICS_CLI_ENV = 'EXEC_METRICS_CLI';

export const inCliMode = (): boolean => process.env[METRICS_CLI_ENV] === '1';
