/**
 * Safe reads and writes on string maps that came from outside (parsed fields, labels).
 *
 * Keys are attacker-chosen: a plain `fields[key]` read of `constructor` or `__proto__` returns
 * Object.prototype's members, and a plain write of `__proto__` changes the object's prototype
 * instead of adding a key (and drops the value). These helpers only see own properties and
 * always create a real own key, so a line with such keys keeps them as data.
 */

/** The own value of `key` in `map` as a string, or undefined when `map` has no such own key. */
export function ownString(map: Readonly<Record<string, unknown>>, key: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(map, key)) return undefined;
  const value = map[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Sets `map[key] = value` as an own, enumerable data property, whatever the key (including `__proto__`). */
export function setOwn(map: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

/** A copy of `map` with every own key whose value is a string (other values as their String()), minus `skip`. */
export function copyStringMap(map: Readonly<Record<string, unknown>> | null | undefined, skip?: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (map === null || map === undefined || typeof map !== 'object') return out;
  for (const key of Object.keys(map)) {
    if (skip !== undefined && skip.has(key)) continue;
    const value = map[key];
    if (value === undefined || value === null) continue;
    setOwn(out, key, typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return out;
}
