/**
 * A small seedable pseudo-random number generator for the demo log source.
 *
 * Math.random() cannot be seeded, and the generator's output must be a pure
 * function of its seed so that benchmarks are repeatable and tests can use the
 * generated lines as ground truth. mulberry32 is tiny, fast and good enough for
 * synthetic data; it is not cryptographic and must never be used for secrets.
 */

/** A deterministic source of random values; two instances with the same seed yield the same sequence. */
export interface Random {
  /** Returns a float in [0, 1). */
  next(): number;
  /** Returns an integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Returns true with probability `p`. */
  chance(p: number): boolean;
  /** Returns one element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T;
  /**
   * Returns one key of `weights`, with probability proportional to its (non-negative) weight.
   * The object is prepared once and cached by identity, so it must not be mutated afterwards.
   */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** Returns a standard normal variate (mean 0, standard deviation 1). */
  normal(): number;
  /** Returns a log-normal variate whose median is `median` and whose log has standard deviation `sigma`. */
  logNormal(median: number, sigma: number): number;
  /** Returns `length` lowercase hex digits. */
  hex(length: number): string;
  /** Returns a new generator seeded from this one, so a sub-stream can be drawn without disturbing this sequence. */
  fork(): Random;
}

/** Mixes a 32-bit seed so that small consecutive seeds (0, 1, 2) start far apart. */
function mixSeed(seed: number): number {
  // One round of splitmix32's finaliser: consecutive integers map to unrelated states.
  let z = (seed + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Two hex digits for every byte value, so hex() needs no per-call formatting. */
const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

interface WeightTable {
  readonly keys: readonly string[];
  readonly cumulative: readonly number[];
  readonly total: number;
}

/**
 * Cumulative weights per weights object: level mixes and service weights are
 * long-lived constants, so they are prepared once instead of on every draw.
 */
const weightTables = new WeakMap<object, WeightTable>();

function buildWeightTable(weights: Readonly<Record<string, number>>): WeightTable {
  const keys: string[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [key, weight] of Object.entries(weights)) {
    if (!(weight > 0)) continue;
    total += weight;
    keys.push(key);
    cumulative.push(total);
  }
  if (total <= 0) throw new RangeError('weighted() needs at least one positive weight');
  return { keys, cumulative, total };
}

/** Creates a mulberry32 generator; any finite number is accepted as seed (it is reduced to 32 bits). */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let state = mixSeed(Math.trunc(seed) >>> 0);
  // Box-Muller yields two normals per pair of uniforms; keep the spare so the sequence stays cheap.
  let spareNormal: number | undefined;

  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const random: Random = {
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(p) {
      return next() < p;
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty array');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted(weights) {
      let table = weightTables.get(weights);
      if (table === undefined) {
        table = buildWeightTable(weights);
        weightTables.set(weights, table);
      }
      const r = next() * table.total;
      const { keys, cumulative } = table;
      for (let i = 0; i < keys.length - 1; i++) {
        if (r < cumulative[i]!) return keys[i] as keyof typeof weights;
      }
      // Floating-point rounding can leave r at the very top; the last positive key is the right answer.
      return keys[keys.length - 1] as keyof typeof weights;
    },
    normal() {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const u = 1 - next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    logNormal(median, sigma) {
      return median * Math.exp(sigma * random.normal());
    },
    hex(length) {
      let out = '';
      while (out.length < length) {
        const word = Math.floor(next() * 0x100000000);
        out += HEX_BYTES[word >>> 24]! + HEX_BYTES[(word >>> 16) & 0xff]! + HEX_BYTES[(word >>> 8) & 0xff]! + HEX_BYTES[word & 0xff]!;
      }
      return out.length === length ? out : out.slice(0, length);
    },
    fork() {
      return createRandom(Math.floor(next() * 0x100000000));
    },
  };
  return random;
}
