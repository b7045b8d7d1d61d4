/**
 * A prom-client counter registered once per registry: building a second topology or table on the
 * same registry (a restart inside one process, tests) reuses the counter instead of throwing
 * "already registered".
 */
import { Counter, type Registry } from 'prom-client';

/** The counter `name` of `registry`, created with `help` and `labelNames` when missing. */
export function registeredCounter(registry: Registry, name: string, help: string, labelNames: readonly string[] = []): Counter<string> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<string>;
  return new Counter({ name, help, labelNames: [...labelNames], registers: [registry] });
}
