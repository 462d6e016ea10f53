import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppWithPanelModule } from './app-with-panel.module.js';

const app = await NestFactory.create<NestExpressApplication>(AppWithPanelModule, {
  rawBody: true,
  logger: ['error', 'warn'],
});
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
console.log(`host with panel ready on ${await app.getUrl()}`);
