import avro from 'avsc';
import { invalidCompatibilityLevel } from './errors.js';

/** Confluent's compatibility levels, in the order its documentation lists them. */
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

/** One of Confluent's seven compatibility levels. */
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** The level used when neither the subject nor the global config sets one (Confluent's default). */
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

/** Returns the level named by `raw` (case-insensitive), or throws a 42203 RegistryError. */
export function parseCompatibilityLevel(raw: unknown): CompatibilityLevel {
  if (typeof raw === 'string') {
    const upper = raw.toUpperCase();
    const level = COMPATIBILITY_LEVELS.find((candidate) => candidate === upper);
    if (level) return level;
  }
  throw invalidCompatibilityLevel(raw);
}

/** A live version of a subject that a new schema is checked against. */
export interface PreviousVersion {
  /** Version number within the subject, used to name it in messages. */
  readonly version: number;
  /** The parsed schema of that version. */
  readonly type: avro.Type;
}

/** Outcome of a compatibility check, in the shape of Confluent's `is_compatible` + `messages`. */
export interface CompatibilityResult {
  readonly compatible: boolean;
  /** One human-readable reason per problem found, naming the field and the version; empty when compatible. */
  readonly messages: string[];
}

/** Confluent's (and Avro's SchemaCompatibility's) names for why a reader cannot read a writer. */
export type IncompatibilityKind =
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'NAME_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

/** One reason why a reader schema cannot read data written with a writer schema. */
export interface Incompatibility {
  readonly kind: IncompatibilityKind;
  /** Dotted field path from the top-level type (`user.email`, `tags[]`, `attrs{}`); empty for the top level. */
  readonly path: string;
  /** Short description of the reader's type at `path`. */
  readonly reader: string;
  /** Short description of the writer's type at `path` (for a union, the branch that fails). */
  readonly writer: string;
  /** Kind-specific detail: the field name, the missing enum symbols, the sizes. */
  readonly detail?: string;
}

/** Caps the messages of one check so that a subject with hundreds of versions still gets a readable answer. */
const MAX_MESSAGES = 20;

/**
 * Checks `candidate` against the `previous` live versions of a subject (oldest first) at
 * `level`. BACKWARD means the candidate can read data written with a previous version,
 * FORWARD that a previous version can read data written with the candidate, FULL both;
 * non-transitive levels look only at the latest version, transitive ones at all of them.
 * avsc's resolver decides; {@link explainIncompatibility} says why when it refuses.
 */
export function checkCompatibility(
  candidate: avro.Type,
  previous: readonly PreviousVersion[],
  level: CompatibilityLevel,
): CompatibilityResult {
  if (level === 'NONE' || previous.length === 0) return { compatible: true, messages: [] };
  const transitive = level.endsWith('_TRANSITIVE');
  const base = level.replace('_TRANSITIVE', '');
  // Newest first, like Confluent, so the most relevant version is named first.
  const against = transitive ? [...previous].reverse() : previous.slice(-1);
  const messages: string[] = [];
  for (const old of against) {
    if (base === 'BACKWARD' || base === 'FULL') {
      for (const problem of readProblems(candidate, old.type)) {
        messages.push(`${level}: ${describeProblem(problem, { readerIsNew: true, otherVersion: old.version })}`);
      }
    }
    if (base === 'FORWARD' || base === 'FULL') {
      for (const problem of readProblems(old.type, candidate)) {
        messages.push(`${level}: ${describeProblem(problem, { readerIsNew: false, otherVersion: old.version })}`);
      }
    }
  }
  if (messages.length > MAX_MESSAGES) {
    const more = messages.length - MAX_MESSAGES;
    messages.splice(MAX_MESSAGES, more, `… and ${more} more problem(s)`);
  }
  return { compatible: messages.length === 0, messages };
}

/** True when data written with `writer` can be read with `reader`, by avsc's schema resolution. */
export function canRead(reader: avro.Type, writer: avro.Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `reader` cannot read `writer`: an empty list when it can (avsc's resolver is the
 * judge), otherwise every problem found by walking both schemas along Avro's resolution
 * rules. Falls back to avsc's own message when the walk finds nothing more specific.
 */
export function readProblems(reader: avro.Type, writer: avro.Type): Incompatibility[] {
  try {
    reader.createResolver(writer);
    return [];
  } catch (error) {
    const problems = explainIncompatibility(reader, writer);
    if (problems.length > 0) return problems;
    return [{ kind: 'TYPE_MISMATCH', path: '', reader: describeType(reader), writer: describeType(writer), detail: (error as Error).message }];
  }
}

/** Walks `reader` and `writer` in parallel and lists every place where the reader cannot read the writer. */
export function explainIncompatibility(reader: avro.Type, writer: avro.Type): Incompatibility[] {
  const out: Incompatibility[] = [];
  walk(reader, writer, '', out, new Set());
  return out;
}

/** Options telling {@link describeProblem} which side is the schema being registered. */
export interface DescribeOptions {
  /** True when the reader is the new (candidate) schema, i.e. a BACKWARD check. */
  readonly readerIsNew: boolean;
  /** The version number of the existing schema the candidate is compared with. */
  readonly otherVersion: number;
}

/** Turns one incompatibility into a sentence phrased as a change from the old version to the new schema. */
export function describeProblem(problem: Incompatibility, { readerIsNew, otherVersion: v }: DescribeOptions): string {
  const at = problem.path === '' ? 'the top-level type' : `field '${problem.path}'`;
  const { reader: r, writer: w } = problem;
  switch (problem.kind) {
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      return readerIsNew
        ? `${at} was added without a default, so the new schema cannot read data written with version ${v} ` +
            `(give it a default, e.g. "type": ["null", ...] with "default": null)`
        : `${at} was removed, but version ${v} declares it without a default, so consumers on version ${v} ` +
            'cannot read data written with the new schema';
    case 'TYPE_MISMATCH':
      return readerIsNew
        ? `${at} changed type from ${w} (version ${v}) to ${r}; data written as ${w} cannot be read as ${r}${promotionHint(r, w)}` +
            detailSuffix(problem)
        : `${at} changed type from ${r} (version ${v}) to ${w}; consumers on version ${v} cannot read ${w} as ${r}` +
            `${promotionHint(r, w)}${detailSuffix(problem)}`;
    case 'NAME_MISMATCH':
      return readerIsNew
        ? `${at} was renamed from ${w} (version ${v}) to ${r} without an alias (add "aliases": ["${problem.detail ?? ''}"] to the new type)`
        : `${at} was renamed from ${r} (version ${v}) to ${w}, a name version ${v} does not know`;
    case 'MISSING_ENUM_SYMBOLS':
      return readerIsNew
        ? `${r} at ${at} lost symbol(s) ${problem.detail ?? ''} that data written with version ${v} may contain, ` +
            'and the new enum has no "default" to map them to'
        : `${w} at ${at} gained symbol(s) ${problem.detail ?? ''} that version ${v} does not know, ` +
            `and version ${v}'s enum has no "default" to map them to`;
    case 'FIXED_SIZE_MISMATCH':
      return readerIsNew
        ? `${at} changed from ${w} (version ${v}) to ${r}; fixed values of another size cannot be read`
        : `${at} changed from ${r} (version ${v}) to ${w}; consumers on version ${v} cannot read fixed values of another size`;
    case 'MISSING_UNION_BRANCH':
      if (readerIsNew) {
        return r.startsWith('[')
          ? `union at ${at} dropped the branch ${w}, which data written with version ${v} may use (new union: ${r})`
          : `${at} changed from a union containing ${w} (version ${v}) to ${r}; values of type ${w} written with version ${v} cannot be read`;
      }
      return r.startsWith('[')
        ? `union at ${at} gained the branch ${w}, which consumers on version ${v} cannot read (their union: ${r})`
        : `${at} changed from ${r} (version ${v}) to a union with ${w}, which consumers on version ${v} cannot read`;
  }
}

/** Short human description of a type: `string`, `record com.acme.Log`, `array<long>`, `[null, string]`. */
export function describeType(type: avro.Type): string {
  const t = unwrapLogical(type);
  if (isUnion(t)) return `[${t.types.map(describeType).join(', ')}]`;
  switch (t.typeName) {
    case 'array':
      return `array<${describeType((t as avro.types.ArrayType).itemsType)}>`;
    case 'map':
      return `map<${describeType((t as avro.types.MapType).valuesType as avro.Type)}>`;
    case 'fixed':
      return `fixed ${t.name ?? ''} (size ${(t as avro.types.FixedType).size})`;
    case 'record':
    case 'error':
    case 'enum':
      return `${t.typeName} ${t.name ?? ''}`;
    default:
      return t.typeName;
  }
}

const PROMOTIONS: Record<string, readonly string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

function promotionHint(reader: string, writer: string): string {
  return writer in PROMOTIONS && reader in PROMOTIONS
    ? ' (Avro only promotes int→long/float/double, long→float/double, float→double and string↔bytes)'
    : '';
}

function detailSuffix(problem: Incompatibility): string {
  return problem.detail ? ` (${problem.detail})` : '';
}

function walk(reader: avro.Type, writer: avro.Type, path: string, out: Incompatibility[], seen: Set<string>): void {
  const r = unwrapLogical(reader);
  const w = unwrapLogical(writer);
  if (isUnion(w)) {
    // Every branch the writer may have used must be readable.
    for (const branch of w.types) {
      if (isUnion(r)) {
        if (r.types.some((candidate) => canRead(candidate, branch))) continue;
        const similar = r.types.find((candidate) => sameKind(candidate, branch));
        if (similar) walk(similar, branch, path, out, seen);
        else out.push({ kind: 'MISSING_UNION_BRANCH', path, reader: describeType(r), writer: describeType(branch) });
      } else if (!canRead(r, branch)) {
        if (sameKind(r, branch)) walk(r, branch, path, out, seen);
        else out.push({ kind: 'MISSING_UNION_BRANCH', path, reader: describeType(r), writer: describeType(branch) });
      }
    }
    return;
  }
  if (isUnion(r)) {
    if (r.types.some((candidate) => canRead(candidate, w))) return;
    const similar = r.types.find((candidate) => sameKind(candidate, w));
    if (similar) walk(similar, w, path, out, seen);
    else out.push({ kind: 'TYPE_MISMATCH', path, reader: describeType(r), writer: describeType(w) });
    return;
  }
  const rKind = kindOf(r);
  const wKind = kindOf(w);
  if (rKind !== wKind && !(PROMOTIONS[wKind] ?? []).includes(rKind)) {
    out.push({ kind: 'TYPE_MISMATCH', path, reader: describeType(r), writer: describeType(w) });
    return;
  }
  switch (rKind) {
    case 'record': {
      if (!namesMatch(r, w)) {
        out.push({ kind: 'NAME_MISMATCH', path, reader: describeType(r), writer: describeType(w), detail: w.name });
        return;
      }
      // Recursive schemas (a tree node holding children of its own type) must not loop.
      const key = `${r.name ?? ''}:${w.name ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      const writerFields = (w as avro.types.RecordType).fields;
      for (const field of (r as avro.types.RecordType).fields) {
        const names = [field.name, ...(field.aliases ?? [])];
        const match = writerFields.find((candidate) => names.includes(candidate.name));
        const fieldPath = path === '' ? field.name : `${path}.${field.name}`;
        if (!match) {
          if (field.defaultValue() === undefined) {
            out.push({
              kind: 'READER_FIELD_MISSING_DEFAULT_VALUE',
              path: fieldPath,
              reader: describeType(field.type),
              writer: 'absent',
              detail: field.name,
            });
          }
        } else {
          walk(field.type, match.type, fieldPath, out, seen);
        }
      }
      return;
    }
    case 'enum': {
      if (!namesMatch(r, w)) {
        out.push({ kind: 'NAME_MISMATCH', path, reader: describeType(r), writer: describeType(w), detail: w.name });
        return;
      }
      const readerSymbols = (r as avro.types.EnumType).symbols;
      const missing = (w as avro.types.EnumType).symbols.filter((symbol) => !readerSymbols.includes(symbol));
      // avsc keeps the enum-level default on the instance but does not declare it in its typings.
      const readerDefault = (r as unknown as { default?: string }).default;
      if (missing.length > 0 && readerDefault === undefined) {
        out.push({ kind: 'MISSING_ENUM_SYMBOLS', path, reader: describeType(r), writer: describeType(w), detail: missing.join(', ') });
      }
      return;
    }
    case 'fixed': {
      if (!namesMatch(r, w)) {
        out.push({ kind: 'NAME_MISMATCH', path, reader: describeType(r), writer: describeType(w), detail: w.name });
        return;
      }
      const readerSize = (r as avro.types.FixedType).size;
      if (readerSize !== (w as avro.types.FixedType).size) {
        out.push({ kind: 'FIXED_SIZE_MISMATCH', path, reader: describeType(r), writer: describeType(w) });
      }
      return;
    }
    case 'array':
      walk((r as avro.types.ArrayType).itemsType, (w as avro.types.ArrayType).itemsType, `${path}[]`, out, seen);
      return;
    case 'map':
      walk((r as avro.types.MapType).valuesType as avro.Type, (w as avro.types.MapType).valuesType as avro.Type, `${path}{}`, out, seen);
      return;
    default:
      return; // primitives: the kind check above is the whole rule
  }
}

type UnionType = avro.types.UnwrappedUnionType | avro.types.WrappedUnionType;

function isUnion(type: avro.Type): type is UnionType {
  return avro.Type.isType(type, 'union');
}

function unwrapLogical(type: avro.Type): avro.Type {
  return avro.Type.isType(type, 'logical') ? (type as avro.types.LogicalType).underlyingType : type;
}

// Avro lets a record be read as an error and vice versa; treat them as one kind.
function kindOf(type: avro.Type): string {
  return type.typeName === 'error' ? 'record' : type.typeName;
}

function sameKind(a: avro.Type, b: avro.Type): boolean {
  const ua = unwrapLogical(a);
  const ub = unwrapLogical(b);
  if (kindOf(ua) !== kindOf(ub)) return false;
  return ua.name === undefined || namesMatch(ua, ub);
}

// Same rule as avsc's resolver: the writer's full name must be the reader's name or one of its aliases.
function namesMatch(reader: avro.Type, writer: avro.Type): boolean {
  if (!writer.name) return true;
  return reader.name === writer.name || (reader.aliases ?? []).includes(writer.name);
}
