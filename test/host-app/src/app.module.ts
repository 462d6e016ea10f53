import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '@exec-metrics/metrics';
import { dataSourceOptions } from './data-source.js';
import { metricsOptions } from './metrics-options.js';
import { SignupController } from './signup.controller.js';

@Module({
  imports: [TypeOrmModule.forRoot(dataSourceOptions), MetricsModule.forRoot(metricsOptions)],
  controllers: [SignupController],
})
export class AppModule {}
