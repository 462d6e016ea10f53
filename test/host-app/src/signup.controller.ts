import { Body, Controller, Post } from '@nestjs/common';
import { MetricsRecorder } from '@exec-metrics/metrics';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { User } from './entities.js';

/** The host's own API: a signup writes its users table; a login is recorded through the metrics recorder. */
@Controller('host')
export class SignupController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsRecorder,
  ) {}

  @Post('signup')
  async signup(@Body() body: { org_id: number; email: string; at: string }): Promise<{ id: number }> {
    const user = this.dataSource.getRepository(User).create({
      orgId: body.org_id,
      email: body.email,
      createdAt: new Date(body.at),
    });
    await this.dataSource.getRepository(User).save(user);
    return { id: user.id };
  }

  @Post('login')
  async login(@Body() body: { org_id: number; user_id: number; at: string }): Promise<{ ok: true }> {
    await this.metrics.record({
      type: 'login',
      at: body.at,
      tenant: String(body.org_id),
      user: String(body.user_id),
    });
    return { ok: true };
  }
}
