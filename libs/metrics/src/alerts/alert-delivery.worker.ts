import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AlertDeliveriesRepository } from '../repositories/alert-deliveries.repository.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { AlertChannelsService } from './alert-channels.service.js';
import type { DeliveryPayload } from './alert-message.js';
import { sendAlert } from './alert-senders.js';
import { resolveAlertsSettings, type DeliverySettings } from './alerts.options.js';

interface ClaimedDelivery {
  id: string;
  channel_id: string | null;
  payload: DeliveryPayload;
  attempts: number;
}

const BATCH = 20;

/**
 * Sends the outbox (metrics_alert_delivery) in the background: due rows are claimed with a lease (so several
 * instances never send the same row at once, and a row claimed by a process that died is retried), sent with
 * a timeout, then marked delivered or given a next attempt after an exponentially growing delay, until
 * `maxAttempts`. Nothing here runs inside a computation, so a slow or failing channel never holds one up.
 */
@Injectable()
export class AlertDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MetricsAlertDelivery');
  private readonly settings: DeliverySettings;
  private readonly stopping = new AbortController();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: AlertChannelsService,
    private readonly outbox: AlertDeliveriesRepository,
    @InjectMetricsOptions() options: ResolvedMetricsOptions,
  ) {
    this.settings = resolveAlertsSettings(options.alerts).delivery;
  }

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.schedule(this.settings.pollIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  /** Look at the outbox now (new rows were just queued). */
  kick(): void {
    if (!this.settings.enabled || this.stopping.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain().then((nextDueMs) => {
      this.running = undefined;
      if (this.stopping.signal.aborted) return;
      if (this.again) {
        this.again = false;
        this.kick();
      } else this.schedule(Math.min(this.settings.pollIntervalMs, nextDueMs ?? Infinity));
    });
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(10, delayMs));
  }

  /** Sends every due row; answers how long until the next row falls due (undefined: none waiting). */
  private async drain(): Promise<number | undefined> {
    try {
      for (;;) {
        const claimed = await this.claim();
        if (claimed.length === 0) break;
        const ids = [...new Set(claimed.map((row) => row.channel_id).filter((id): id is string => id !== null))];
        const channels = new Map(
          (await this.channels.withSettings(this.dataSource.manager, ids)).map(({ channel, settings }) => [
            channel.id,
            settings,
          ]),
        );
        // Each row on its own: one slow channel holds up the others no longer than its timeout.
        await Promise.all(
          claimed.map((row) => this.deliver(row, row.channel_id ? channels.get(row.channel_id) : undefined)),
        );
        if (this.stopping.signal.aborted) return undefined;
      }
      return await this.outbox.nextWaitMs();
    } catch (error) {
      if (!this.stopping.signal.aborted) {
        this.logger.warn(`alert delivery paused: ${error instanceof Error ? error.message : String(error)}`);
      }
      return undefined;
    }
  }

  private async claim(): Promise<ClaimedDelivery[]> {
    // The lease covers a whole send (timeout and its guard) with room to spare.
    const leaseMs = this.settings.timeoutMs * 3 + 5_000;
    const rows = await this.outbox.claim(BATCH, leaseMs);
    return rows.map((row) => ({
      ...row,
      id: String(row.id),
      payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as DeliveryPayload,
    }));
  }

  private async deliver(row: ClaimedDelivery, settings: Parameters<typeof sendAlert>[0] | undefined): Promise<void> {
    const attempts = row.attempts + 1;
    try {
      if (!settings) throw new Error('the channel was removed');
      await sendAlert(settings, row.payload, {
        timeoutMs: this.settings.timeoutMs,
        signal: this.stopping.signal,
        allowPrivate: this.settings.allowPrivateNetworks,
      });
      await this.outbox.delivered(row.id, attempts);
    } catch (error) {
      if (this.stopping.signal.aborted) {
        // Not the channel's fault: the row goes back to the outbox for the next start.
        await this.outbox.release(row.id).catch(() => undefined);
        return;
      }
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      const final = attempts >= this.settings.maxAttempts || !settings;
      const delay = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (attempts - 1));
      await this.outbox.failedAttempt(row.id, final ? 'failed' : 'pending', attempts, message, final ? 0 : delay);
      if (final) this.logger.warn(`alert delivery ${row.id} failed after ${attempts} attempts: ${message}`);
    }
  }
}
