import { findMetric } from '../catalog/metric-catalog.js';
import type { DeliveryEvent } from '../entities/alert.entities.js';
import { formatNumber, scopeLabel } from './alert-condition.js';
import type { AlertView } from './alert-view.js';

/** What a delivery carries: the event and the alert as it was when the event happened. */
export interface DeliveryPayload {
  event: DeliveryEvent;
  alert: AlertView;
}

const HEADLINE: Record<DeliveryEvent, string> = {
  opened: 'New alert',
  escalated: 'Alert escalated to critical',
  resolved: 'Alert resolved',
};

function comparison(alert: AlertView): string {
  if (alert.kind === 'anomaly') {
    return `expected ${formatNumber(alert.expected ?? 0)} (usual range ${formatNumber(alert.expected_low ?? 0)} to ${formatNumber(alert.expected_high ?? 0)})`;
  }
  return `threshold ${formatNumber(alert.threshold ?? 0)}`;
}

export function subjectOf({ event, alert }: DeliveryPayload): string {
  const label = findMetric(alert.metric)?.label ?? alert.metric;
  const level = event === 'resolved' ? 'RESOLVED' : alert.severity.toUpperCase();
  return `[${level}] ${HEADLINE[event]}: ${label}, ${scopeLabel(alert.tenant)}`;
}

/** A plain-text body that reads well in a mail client and in logs of the receiving side. */
export function textOf(payload: DeliveryPayload): string {
  const { alert } = payload;
  return [
    `${HEADLINE[payload.event]} (${alert.kind}, ${alert.severity})`,
    '',
    alert.message,
    '',
    `Metric:    ${alert.metric}`,
    `Value:     ${formatNumber(alert.value)} (${comparison(alert)})`,
    `Bucket:    ${alert.bucket_type} ${alert.bucket_date}`,
    `Scope:     ${scopeLabel(alert.tenant)}`,
    `Status:    ${alert.status}`,
    `First seen ${alert.first_seen}, last seen ${alert.last_seen}${alert.resolved_at ? `, resolved ${alert.resolved_at}` : ''}`,
    `Alert id:  ${alert.id}`,
  ].join('\n');
}

/** Slack's incoming-webhook shape: `text` (the notification line) and `blocks` (the message). */
export function slackBodyOf(payload: DeliveryPayload): { text: string; blocks: unknown[] } {
  const { alert } = payload;
  const text = `${subjectOf(payload)}: ${alert.message}`;
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: subjectOf(payload).slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: alert.message } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Value*\n${formatNumber(alert.value)}` },
          { type: 'mrkdwn', text: `*${alert.kind === 'anomaly' ? 'Expected' : 'Threshold'}*\n${comparison(alert)}` },
          { type: 'mrkdwn', text: `*Bucket*\n${alert.bucket_type} ${alert.bucket_date}` },
          { type: 'mrkdwn', text: `*Scope*\n${scopeLabel(alert.tenant)}` },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `alert ${alert.id} · ${alert.status}` }] },
    ],
  };
}
