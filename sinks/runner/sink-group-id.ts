/** The default consumer group of a sink: `sawmill-sink-<name>` (shared names, fixed by the lead). */
export function sinkGroupId(name: string): string {
  return `sawmill-sink-${name}`;
}
