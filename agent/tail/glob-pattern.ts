/**
 * A small glob matcher for file source patterns (the project keeps no glob package as a
 * declared dependency, and `fs.glob` is not stable in Node 20).
 *
 * Syntax, on absolute `/`-separated paths:
 * - `*` any run of characters within one path segment (including none, and a leading dot);
 * - `?` one character other than `/`;
 * - `**` as a whole segment: zero or more directories (`/var/log/**\/*.log` matches
 *   `/var/log/a.log` and `/var/log/x/y/a.log`); at the end of a pattern: everything below;
 * - `{a,b,c}` alternatives, which may nest and may contain `/` and other glob syntax;
 * - `\x` the character x literally.
 * Every other character, `[` and `]` included, matches itself.
 */

/** A compiled glob: the regular expressions of its brace expansions and the directories a walk must start from. */
export interface CompiledGlob {
  /** The pattern as given. */
  pattern: string;
  /** One entry per brace expansion. */
  alternatives: Array<{
    /** Matches a whole path. */
    regex: RegExp;
    /** Longest leading directory without glob syntax: where a walk for this alternative starts. */
    base: string;
    /** How many path segments below `base` a match can be; Infinity with `**`. */
    depth: number;
  }>;
}

/** Compiles an absolute glob; throws a TypeError on a relative pattern or an unbalanced `{`. */
export function compileGlob(pattern: string): CompiledGlob {
  if (!pattern.startsWith('/')) throw new TypeError(`glob must be an absolute path, got ${JSON.stringify(pattern)}`);
  return {
    pattern,
    alternatives: expandBraces(pattern).map((alternative) => {
      const segments = alternative.split('/').slice(1);
      const firstGlob = segments.findIndex(hasGlobSyntax);
      const baseSegments = firstGlob === -1 ? segments.slice(0, -1) : segments.slice(0, firstGlob);
      const rest = segments.slice(baseSegments.length);
      return {
        regex: new RegExp(`^${segmentsToRegex(segments)}$`),
        base: `/${baseSegments.map(unescape).join('/')}`,
        depth: rest.includes('**') ? Number.POSITIVE_INFINITY : rest.length,
      };
    }),
  };
}

/** True when `path` matches `glob`. */
export function matchesGlob(glob: CompiledGlob, path: string): boolean {
  return glob.alternatives.some(({ regex }) => regex.test(path));
}

/** Returns the brace expansions of `pattern` (`a{b,c}d` → `abd`, `acd`); a pattern without braces is its own only expansion. */
export function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, '{', 0);
  if (open === -1) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i += 1) {
    const char = pattern[i];
    if (char === '\\') {
      i += 1;
    } else if (char === '{') {
      depth += 1;
    } else if (char === ',' && depth === 1) {
      commas.push(i);
    } else if (char === '}') {
      depth -= 1;
      if (depth === 0) {
        const bounds = [open, ...commas, i];
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        const out: string[] = [];
        for (let k = 0; k + 1 < bounds.length; k += 1) {
          const option = pattern.slice((bounds[k] ?? 0) + 1, bounds[k + 1]);
          out.push(...expandBraces(`${head}${option}${tail}`));
        }
        return out;
      }
    }
  }
  throw new TypeError(`glob has an unbalanced '{': ${JSON.stringify(pattern)}`);
}

function segmentsToRegex(segments: string[]): string {
  let out = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      out += last ? '/.*' : '(?:/[^/]*)*';
    } else {
      out += `/${segmentToRegex(segment)}`;
    }
  });
  return out;
}

function segmentToRegex(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i += 1) {
    const char = segment[i] ?? '';
    if (char === '\\' && i + 1 < segment.length) {
      i += 1;
      out += escapeRegex(segment[i] ?? '');
    } else if (char === '*') {
      out += '[^/]*';
    } else if (char === '?') {
      out += '[^/]';
    } else {
      out += escapeRegex(char);
    }
  }
  return out;
}

function hasGlobSyntax(segment: string): boolean {
  for (let i = 0; i < segment.length; i += 1) {
    const char = segment[i];
    if (char === '\\') i += 1;
    else if (char === '*' || char === '?') return true;
  }
  return false;
}

function unescape(segment: string): string {
  return segment.replace(/\\(.)/g, '$1');
}

function findUnescaped(text: string, wanted: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === wanted) return i;
  }
  return -1;
}

function escapeRegex(char: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}
