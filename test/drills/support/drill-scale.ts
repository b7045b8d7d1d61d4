/**
 * The size of a drill run, from DRILL_SCALE (`short`, the default in `make test`, or `full`, for
 * `make drills`), with DRILL_RATE (every drill's base rate), DRILL_SPIKE_RATE (the traffic-spike
 * drill's alone), DRILL_LOAD_S and DRILL_OUTAGE_S overriding single numbers for experiments. Drills read every rate and duration from here and never hard-code either.
 */
import type { DrillScale } from './drill-types.js';

const SCALES: Readonly<Record<DrillScale['name'], DrillScale>> = {
  short: { name: 'short', baseLogsPerS: 1500, spikeBaseLogsPerS: 600, loadMs: 25_000, outageMs: 10_000, drainTimeoutMs: 120_000 },
  full: { name: 'full', baseLogsPerS: 10_000, spikeBaseLogsPerS: 10_000, loadMs: 180_000, outageMs: 60_000, drainTimeoutMs: 900_000 },
};

/** The scale named by DRILL_SCALE (default `short`) with the DRILL_RATE / DRILL_LOAD_S / DRILL_OUTAGE_S overrides applied; throws on a bad value. */
export function drillScale(env: NodeJS.ProcessEnv = process.env): DrillScale {
  const name = env['DRILL_SCALE'] ?? 'short';
  if (name !== 'short' && name !== 'full') throw new Error(`DRILL_SCALE must be short or full, not ${JSON.stringify(name)}`);
  const base = SCALES[name];
  const rate = positive(env, 'DRILL_RATE', 1);
  return {
    name,
    baseLogsPerS: rate ?? base.baseLogsPerS,
    spikeBaseLogsPerS: positive(env, 'DRILL_SPIKE_RATE', 1) ?? rate ?? base.spikeBaseLogsPerS,
    loadMs: positive(env, 'DRILL_LOAD_S', 1000) ?? base.loadMs,
    outageMs: positive(env, 'DRILL_OUTAGE_S', 1000) ?? base.outageMs,
    drainTimeoutMs: base.drainTimeoutMs,
  };
}

function positive(env: NodeJS.ProcessEnv, key: string, factor: number): number | undefined {
  const text = env[key];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${key} must be a positive number, not ${JSON.stringify(text)}`);
  return Math.round(value * factor);
}
