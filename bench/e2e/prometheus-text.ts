/** Reads one metric out of a Prometheus text exposition (the agent's /metrics). */

/** Sum of every sample of `name` (all label sets); 0 when the metric is absent. */
export function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    // `name{...} v` or `name v`, never a longer metric that merely starts with `name`.
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const value = Number(rest.slice(rest.lastIndexOf(rest.includes('}') ? '}' : ' ') + 1).trim().split(' ')[0]);
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}
