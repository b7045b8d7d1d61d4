/**
 * The notifier's Prometheus metrics, on its own registry (lib/metrics.ts).
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { createMetrics, metricName } from '../lib/metrics.js';

/** The notifier's metric handles. */
export interface NotifierMetrics {
  readonly registry: Registry;
  /** Messages delivered, by channel. */
  readonly sent: Counter<'channel'>;
  /** Notifications given up on (non-retriable error or attempts exhausted), by channel. */
  readonly failed: Counter<'channel'>;
  /** Failed attempts that will be tried again, by channel. */
  readonly retried: Counter<'channel'>;
  /** Alert notices suppressed by a silence, by channel. */
  readonly suppressed: Counter<'channel'>;
  /** Seconds from the event's arrival to its delivery (group wait and retries included), by channel. */
  readonly deliveryLatency: Histogram<'channel'>;
  /** Alert events accepted, by state. */
  readonly events: Counter<'state'>;
  /** Records sent to the dead-letter topic (`sawmill_notifier_dead_letters_total`), by reason. */
  readonly deadLettered: Counter<'reason'>;
}

/** Creates the notifier's registry and metrics. */
export function createNotifierMetrics(options: { defaultMetrics?: boolean } = {}): NotifierMetrics {
  const registry = createMetrics({ component: 'notifier', defaultMetrics: options.defaultMetrics ?? true });
  const name = (thing: string): string => metricName('notifier', thing);
  return {
    registry,
    sent: new Counter({ name: name('notifications_sent_total'), help: 'Notification messages delivered', labelNames: ['channel'], registers: [registry] }),
    failed: new Counter({ name: name('notifications_failed_total'), help: 'Notification messages given up on', labelNames: ['channel'], registers: [registry] }),
    retried: new Counter({ name: name('notifications_retried_total'), help: 'Failed delivery attempts that will be retried', labelNames: ['channel'], registers: [registry] }),
    suppressed: new Counter({ name: name('notifications_suppressed_total'), help: 'Alert notices suppressed by a silence', labelNames: ['channel'], registers: [registry] }),
    deliveryLatency: new Histogram({
      name: name('delivery_latency_seconds'),
      help: 'Time from the alert event reaching the notifier to its delivery, group wait and retries included',
      labelNames: ['channel'],
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    }),
    events: new Counter({ name: name('alert_events_total'), help: 'Alert events accepted into the state machine', labelNames: ['state'], registers: [registry] }),
    deadLettered: new Counter({ name: name('dead_letters_total'), help: 'Records of the alerts topic sent to the dead-letter topic', labelNames: ['reason'], registers: [registry] }),
  };
}
