import 'reflect-metadata';
import { runMetricsCli } from '@exec-metrics/metrics';
import { AppModule } from './app.module.js';

process.exitCode = await runMetricsCli(AppModule, { programName: 'node dist/metrics-cli.js' });
