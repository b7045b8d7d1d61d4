/**
 * Prometheus metrics of one component. Each component owns its own Registry (never the
 * prom-client global one), so tests and several components in one process do not collide.
 *
 * Naming, following the Prometheus conventions:
 * - the standard process and Node.js metrics keep their usual names
 *   (`process_cpu_seconds_total`, `nodejs_eventloop_lag_seconds`, ...) so stock
 *   dashboards and alerts work; the component is told apart by a `component` label;
 * - Sawmill's own metrics are `sawmill_<component>_<thing>_<unit>` (`_total` for
 *   counters, `_seconds` for durations), built with `metricName`.
 */
import { collectDefaultMetrics, Registry, validateMetricName } from 'prom-client';

/** Options of `createMetrics`. */
export interface CreateMetricsOptions {
  /** Component name as used everywhere else (`api`, `sink-opensearch`); becomes the `component` label. */
  component: string;
  /** Register the standard process and Node.js metrics. Default true; tests of one metric turn it off. */
  defaultMetrics?: boolean;
}

const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

const COMPONENT_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Returns a fresh Registry for `component`, with the standard process metrics registered
 * and `component="<component>"` added to every series it exposes.
 */
export function createMetrics({ component, defaultMetrics = true }: CreateMetricsOptions): Registry {
  assertComponent(component);
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  if (defaultMetrics) {
    collectDefaultMetrics({ register: registry });
    // prom-client names these gauges with a `_total` suffix, which Prometheus reserves for
    // counters (promtool check metrics rejects them); the per-type gauges of the same
    // family (`nodejs_active_handles{type}`, ...) carry the same numbers.
    for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  }
  return registry;
}

/**
 * Returns the name of a Sawmill metric: `metricName('sink-opensearch', 'bulk_requests_total')`
 * → `sawmill_sink_opensearch_bulk_requests_total`. Throws a TypeError on an invalid name.
 */
export function metricName(component: string, thing: string): string {
  assertComponent(component);
  const name = `sawmill_${component.replace(/-/g, '_')}_${thing}`;
  if (!/^[a-z][a-z0-9_]*$/.test(thing) || !validateMetricName(name)) {
    throw new TypeError(`invalid metric name ${JSON.stringify(name)}: use lower_snake_case with a unit suffix`);
  }
  return name;
}

function assertComponent(component: string): void {
  // The name ends up in metric names and labels; a bad one is a bug in the caller.
  if (!COMPONENT_PATTERN.test(component)) {
    throw new TypeError(`component must be lower-case kebab-case (e.g. sink-opensearch), got ${JSON.stringify(component)}`);
  }
}
