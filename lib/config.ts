/**
 * Component configuration: a YAML file overlaid by environment variables, validated by
 * the component's strict zod schema. Every problem found is reported at once, each on
 * its own line naming the key, where the value came from, what was expected and what
 * was received, so an operator fixes a config in one round instead of one key per restart.
 *
 * Conventions for component schemas:
 * - `z.object({...}).strict()` at every level, `.describe('...')` on every key;
 * - a nested section whose keys all have defaults is declared `.prefault({})`, not
 *   `.default({})`: zod 4 returns a `.default()` value as-is without parsing it, so
 *   the inner defaults would never be filled in.
 *
 * Environment variables (the rule `loadConfig` applies, documented in one place here):
 * - Name: `SAWMILL_<PREFIX>__<KEY>[__<SUBKEY>...]`, where `<PREFIX>` is `envPrefix` in
 *   upper case and each `<KEY>` is a schema key in SCREAMING_SNAKE_CASE
 *   (`statementTimeoutMs` → `STATEMENT_TIMEOUT_MS`); a double underscore descends one
 *   level. Inside a free-form map (`z.record`) the segment is used lower-cased as the map
 *   key. A name under the prefix that matches no schema key is an error, like an
 *   unknown key in the file.
 * - Value, chosen by the schema type at that key:
 *   - string, enum or string literal: the raw text, never reinterpreted (a password
 *     `0123` or `yes` stays a string);
 *   - array: a comma-separated list, items trimmed (`a, b` → `['a','b']`), the empty
 *     string is the empty list; each item is converted by these same rules;
 *   - object or map as a whole: refused (set its keys one by one);
 *   - anything else (number, boolean, union, ...): a YAML 1.2 core-schema plain scalar:
 *     `true`/`false` (any case of the first letter or all) are booleans, decimal
 *     integers and floats (`8080`, `-1`, `0.5`, `1e3`) are numbers, `null`, `~` and the
 *     empty string are null, anything else is a string, which the schema then rejects
 *     with the usual "expected number, received string" message.
 * - Environment values win over the file, key by key; arrays are replaced, not merged.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { isSecretKey, redactText } from './redact.js';

/** Largest config file accepted; a config is a few KiB, anything near this is a mistake or an attack. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** Most YAML alias expansions accepted in one file; stops "billion laughs" documents. */
export const MAX_YAML_ALIAS_COUNT = 100;

/** Where `loadConfig` reads from. */
export interface LoadConfigOptions {
  /** Path of a YAML file; when given it must exist. An empty file counts as an empty mapping. */
  file?: string | undefined;
  /** Component part of the environment variable names, e.g. `API` for `SAWMILL_API__SERVER__PORT`. */
  envPrefix: string;
  /** Environment to read; defaults to `process.env`. Tests pass their own. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One key of a config schema, as listed by `describeConfig` for `--help-config`. */
export interface ConfigKeyDescription {
  /** Dotted key path; `[]` marks the items of a list, `<name>` the keys of a free-form map. */
  key: string;
  /** Human-readable type, e.g. `integer`, `string (url)`, `"json" | "pretty"`, `string[]`. */
  type: string;
  /** True when the key has no default and is not optional. */
  required: boolean;
  /** True when the schema fills a default value in. */
  hasDefault: boolean;
  /** The default value, when `hasDefault`. */
  defaultValue?: unknown;
  /** The `.describe()` text of the key; empty when the schema author forgot it. */
  description: string;
  /** Environment variable that sets this key, when `envPrefix` was given and the key is reachable. */
  env?: string;
}

type Path = ReadonlyArray<PropertyKey>;

/** One problem found while loading, before it is turned into a message line. */
interface Problem {
  source: string;
  /** Line and column inside the source, for YAML syntax errors. */
  location?: string;
  key: string;
  detail: string;
}

/**
 * Reads the config file (if any), overlays `SAWMILL_<PREFIX>__*` environment variables and
 * validates the result against `schema`; returns the parsed value with defaults filled in.
 * Throws one `ConfigError` listing every problem, one per line.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, options: LoadConfigOptions): z.output<S> {
  const env = options.env ?? process.env;
  const prefix = envVarPrefix(options.envPrefix);
  const file = options.file;

  const fromFile = file === undefined ? {} : readConfigFile(file);
  const overlay = readEnvironment(schema, prefix, env);

  const merged = fromFile;
  for (const { path, value } of overlay.assignments) setPath(merged, path, value);

  const result = schema.safeParse(merged, { reportInput: true });
  if (result.success && overlay.problems.length === 0) return result.data;

  // Bad variables were left out of the merge; report them with whatever the schema found.
  const fallbackSource = file ?? `environment (${prefix}*)`;
  const issues = result.success ? [] : result.error.issues;
  const problems = [
    ...overlay.problems,
    ...issues.flatMap((issue) =>
      describeIssue(issue, schema, prefix, (path) => sourceOf(path, overlay.assignments) ?? fallbackSource),
    ),
  ];
  throw toConfigError(problems);
}

/** Returns the environment variable prefix for a component, e.g. `api` → `SAWMILL_API__`. */
export function envVarPrefix(envPrefix: string): string {
  const upper = envPrefix.toUpperCase();
  if (!/^[A-Z][A-Z0-9_]*$/.test(upper) || upper.includes('__') || upper.endsWith('_')) {
    throw new TypeError(`envPrefix must be letters, digits and single underscores, got ${JSON.stringify(envPrefix)}`);
  }
  return `SAWMILL_${upper}__`;
}

/** Returns the environment variable segment of a schema key: `statementTimeoutMs` → `STATEMENT_TIMEOUT_MS`. */
export function envSegment(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/** Lists every key of `schema` (nested ones included) with its type, default and description. */
export function describeConfig(schema: z.ZodObject, options: { envPrefix?: string } = {}): ConfigKeyDescription[] {
  const prefix = options.envPrefix === undefined ? undefined : envVarPrefix(options.envPrefix);
  const out: ConfigKeyDescription[] = [];
  describeObject(schema, '', prefix, out);
  return out;
}

/** Renders `describeConfig` output as the plain-text help shown by `sawmill <cmd> --help-config`. */
export function formatConfigDescription(entries: readonly ConfigKeyDescription[]): string {
  const lines: string[] = [];
  for (const entry of entries) {
    const facts = [entry.type];
    if (entry.required) facts.push('required');
    if (entry.hasDefault) facts.push(`default ${JSON.stringify(entry.defaultValue)}`);
    if (entry.env !== undefined) facts.push(`env ${entry.env}`);
    lines.push(`${entry.key}  (${facts.join(', ')})`);
    if (entry.description !== '') lines.push(`    ${entry.description}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// File

function readConfigFile(file: string): Record<string, unknown> {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(error)})`;
    throw new ConfigError(`config error in ${file}: ${what}`, file, '');
  }
  // A FIFO or /dev/zero reports size 0 and never ends; only regular files are read.
  if (!stats.isFile()) throw new ConfigError(`config error in ${file}: not a regular file`, file, '');
  if (stats.size > MAX_CONFIG_FILE_BYTES) throw oversized(file, stats.size);

  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`config error in ${file}: cannot read the file (${code ?? String(error)})`, file, '');
  }
  if (bytes.length > MAX_CONFIG_FILE_BYTES) throw oversized(file, bytes.length);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(`config error in ${file}: the file is not valid UTF-8`, file, '');
  }
  return parseYaml(text, file);
}

function oversized(file: string, size: number): ConfigError {
  return new ConfigError(
    `config error in ${file}: the file is ${size} bytes, over the ${MAX_CONFIG_FILE_BYTES}-byte limit`,
    file,
    '',
  );
}

function parseYaml(text: string, file: string): Record<string, unknown> {
  const doc = parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error): Problem => {
      const at = error.linePos?.[0];
      // yaml appends its own position and a code excerpt after the first line; we say it once.
      const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      const problem: Problem = { source: file, key: '', detail: `YAML syntax error: ${reason}` };
      if (at !== undefined) problem.location = `line ${at.line}, column ${at.col}`;
      return problem;
    });
    throw toConfigError(problems);
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const detail = /alias count/i.test(message)
      ? `too many YAML alias expansions (over ${MAX_YAML_ALIAS_COUNT}); refusing a possible alias bomb`
      : `YAML error: ${message}`;
    throw new ConfigError(`config error in ${file}: ${detail}`, file, '');
  }

  if (value === null || value === undefined) return {}; // empty file or only comments
  if (!isPlainObject(value)) {
    throw new ConfigError(
      `config error in ${file}: expected a mapping of keys at the top level, received ${kindOf(value)}`,
      file,
      '',
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Environment

interface Assignment {
  path: PropertyKey[];
  value: unknown;
  variable: string;
}

function readEnvironment(
  schema: z.ZodObject,
  prefix: string,
  env: Readonly<Record<string, string | undefined>>,
): { assignments: Assignment[]; problems: Problem[] } {
  const assignments: Assignment[] = [];
  const problems: Problem[] = [];
  const names = Object.keys(env)
    .filter((name) => name.startsWith(prefix))
    .sort();

  for (const variable of names) {
    const raw = env[variable];
    if (raw === undefined) continue;
    const segments = variable.slice(prefix.length).split('__');
    const path: PropertyKey[] = [];
    let node: z.core.$ZodType = schema;
    let failed = false;

    for (const segment of segments) {
      const core = unwrap(node).core;
      const def = defOf(core);
      if (segment === '' || !/^[A-Z0-9_]+$/.test(segment)) {
        problems.push({ source: variable, key: formatPath(path), detail: `malformed variable name: segment "${segment}" must be upper-case letters, digits and single underscores` });
        failed = true;
        break;
      }
      if (def.type === 'object') {
        const shape = def.shape as Record<string, z.core.$ZodType>;
        const key = Object.keys(shape).find((candidate) => envSegment(candidate) === segment);
        if (key === undefined) {
          const allowed = Object.keys(shape).map(envSegment);
          problems.push({
            source: variable,
            key: formatPath([...path, segment]),
            detail: `unknown key "${segment}"${suggestion(segment, allowed)} (expected one of: ${allowed.join(', ')})`,
          });
          failed = true;
          break;
        }
        path.push(key);
        node = shape[key] as z.core.$ZodType;
      } else if (def.type === 'record') {
        path.push(segment.toLowerCase());
        node = def.valueType;
      } else {
        problems.push({
          source: variable,
          key: formatPath(path),
          detail: `"${formatPath(path)}" (${typeName(node)}) has no sub-key "${segment}"`,
        });
        failed = true;
        break;
      }
    }
    if (failed) continue;

    const converted = convertEnvValue(raw, node);
    if (converted.ok) assignments.push({ path, value: converted.value, variable });
    else problems.push({ source: variable, key: formatPath(path), detail: converted.detail });
  }
  return { assignments, problems };
}

function convertEnvValue(
  raw: string,
  node: z.core.$ZodType,
): { ok: true; value: unknown } | { ok: false; detail: string } {
  const core = unwrap(node).core;
  const def = defOf(core);
  switch (def.type) {
    case 'string':
    case 'enum':
    case 'template_literal':
      return { ok: true, value: raw };
    case 'literal':
      return { ok: true, value: def.values.every((v) => typeof v === 'string') ? raw : plainScalar(raw) };
    case 'array': {
      if (raw.trim() === '') return { ok: true, value: [] };
      const items: unknown[] = [];
      for (const item of raw.split(',')) {
        const converted = convertEnvValue(item.trim(), def.element);
        if (!converted.ok) return converted;
        items.push(converted.value);
      }
      return { ok: true, value: items };
    }
    case 'object':
    case 'record':
      return { ok: false, detail: `a whole section (${typeName(node)}) cannot be set from one variable; set its keys one by one` };
    default:
      return { ok: true, value: plainScalar(raw) };
  }
}

/** Resolves a plain scalar with the YAML 1.2 core schema (decimal numbers only). */
function plainScalar(raw: string): unknown {
  const text = raw.trim();
  if (text === '' || /^(null|Null|NULL|~)$/.test(text)) return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text) || /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) {
    return Number(text);
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: readonly PropertyKey[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i += 1) {
    const key = String(path[i]);
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (isPlainObject(next)) {
      node = next;
    } else {
      // The environment wins: a scalar in the file where a section is expected is replaced.
      const created: Record<string, unknown> = {};
      Object.defineProperty(node, key, { value: created, enumerable: true, writable: true, configurable: true });
      node = created;
    }
  }
  const last = String(path[path.length - 1]);
  Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}

function sourceOf(path: Path, assignments: readonly Assignment[]): string | undefined {
  // The longest assignment that covers the issue's path supplied the offending value.
  let best: Assignment | undefined;
  for (const assignment of assignments) {
    const covers = assignment.path.every((segment, i) => path[i] === segment);
    if (covers && (best === undefined || assignment.path.length > best.path.length)) best = assignment;
  }
  return best?.variable;
}

// ---------------------------------------------------------------------------------------
// Issues → messages

function describeIssue(
  issue: z.core.$ZodIssue,
  schema: z.ZodObject,
  prefix: string,
  sourceFor: (path: Path) => string,
): Problem[] {
  const path = issue.path;
  const input = (issue as { input?: unknown }).input;
  const received = describeReceived(input, path);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = knownKeys(schema, path);
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        return {
          source: sourceFor(keyPath),
          key: formatPath(keyPath),
          detail: `unknown key "${key}"${suggestion(key, allowed)} (expected one of: ${allowed.join(', ') || 'no keys'})`,
        };
      });
    }
    case 'invalid_type': {
      if (input === undefined) {
        const variable = envNameFor(schema, prefix, path);
        const hint = variable === undefined ? '' : `; set it in the file or with ${variable}`;
        return [{ source: sourceFor(path), key: formatPath(path), detail: `expected ${issue.expected}, received nothing (required key is missing${hint})` }];
      }
      return [{ source: sourceFor(path), key: formatPath(path), detail: `expected ${issue.expected}, received ${received}` }];
    }
    case 'invalid_value':
      return [{ source: sourceFor(path), key: formatPath(path), detail: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}, received ${received}` }];
    case 'invalid_format': {
      // A schema's own message (a noun phrase such as "host:port") says more than the check's name ("regex").
      const expected = issue.format === 'regex' && !issue.message.startsWith('Invalid string') ? issue.message : `a valid ${issue.format}`;
      return [{ source: sourceFor(path), key: formatPath(path), detail: `expected ${expected}, received ${received}` }];
    }
    case 'too_small':
    case 'too_big': {
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive === false ? '>' : '>=') : issue.inclusive === false ? '<' : '<=';
      const measure = issue.origin === 'string' ? 'length ' : issue.origin === 'array' || issue.origin === 'set' ? 'item count ' : '';
      return [{ source: sourceFor(path), key: formatPath(path), detail: `expected ${issue.origin} with ${measure}${op} ${String(limit)}, received ${received}` }];
    }
    default:
      return [{ source: sourceFor(path), key: formatPath(path), detail: `${lowerFirst(issue.message)}, received ${received}` }];
  }
}

function toConfigError(problems: readonly Problem[]): ConfigError {
  const lines = problems.map(
    (p) =>
      `config error in ${p.source}${p.location === undefined ? '' : ` at ${p.location}`}` +
      `${p.key === '' ? '' : ` at "${p.key}"`}: ${p.detail}`,
  );
  const first = problems[0] ?? { source: 'config', key: '' };
  return new ConfigError(lines.join('\n'), first.source, first.key);
}

function describeReceived(value: unknown, path: Path): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  // Items of a secret list (`tokens[0]`) are secrets too, so look at every named segment.
  const secret = path.some((segment) => typeof segment === 'string' && isSecretKey(segment));
  if (typeof value === 'string') {
    if (secret) return 'string ([redacted])';
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return `string (${JSON.stringify(redactText(shown))})`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return secret ? `${typeof value} ([redacted])` : `${typeof value} (${String(value)})`;
  }
  if (Array.isArray(value)) return `array (${value.length} item${value.length === 1 ? '' : 's'})`;
  return kindOf(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'binary';
  return typeof value === 'object' ? 'object' : typeof value;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Formats a key path the way operators write it: `kafka.brokers[0]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function suggestion(key: string, allowed: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : `, did you mean "${best}"?`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

// ---------------------------------------------------------------------------------------
// Schema introspection

interface Unwrapped {
  core: z.core.$ZodType;
  optional: boolean;
  nullable: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
  description: string;
}

function defOf(schema: z.core.$ZodType): z.core.$ZodTypes['_zod']['def'] {
  return (schema as z.core.$ZodTypes)._zod.def;
}

/** Peels optional/default/nullable/... wrappers, remembering what they said. */
function unwrap(schema: z.core.$ZodType): Unwrapped {
  const out: Unwrapped = { core: schema, optional: false, nullable: false, hasDefault: false, defaultValue: undefined, description: '' };
  let node = schema;
  for (let depth = 0; depth < 32; depth += 1) {
    if (out.description === '') out.description = z.globalRegistry.get(node)?.description ?? '';
    const def = defOf(node);
    if (def.type === 'optional') {
      out.optional = true;
      node = def.innerType;
    } else if (def.type === 'nullable') {
      out.nullable = true;
      node = def.innerType;
    } else if (def.type === 'default' || def.type === 'prefault') {
      if (!out.hasDefault) {
        out.hasDefault = true;
        out.defaultValue = def.defaultValue;
      }
      node = def.innerType;
    } else if (def.type === 'readonly' || def.type === 'catch' || def.type === 'nonoptional') {
      node = def.innerType;
    } else if (def.type === 'pipe') {
      node = def.in; // the environment and the file feed the input side
    } else if (def.type === 'lazy') {
      node = def.getter();
    } else {
      break;
    }
  }
  out.core = node;
  return out;
}

function typeName(schema: z.core.$ZodType): string {
  const { core, nullable } = unwrap(schema);
  const def = defOf(core);
  let name: string;
  switch (def.type) {
    case 'string': {
      const format = (core as { format?: unknown }).format;
      name = typeof format === 'string' && format !== '' ? `string (${format})` : 'string';
      break;
    }
    case 'number': {
      const format = (core as { format?: unknown }).format;
      name = typeof format === 'string' && /int/.test(format) ? 'integer' : 'number';
      break;
    }
    case 'enum':
      name = Object.values(def.entries).map((v) => JSON.stringify(v)).join(' | ');
      break;
    case 'literal':
      name = def.values.map((v) => JSON.stringify(v)).join(' | ');
      break;
    case 'array':
      name = `${typeName(def.element)}[]`;
      break;
    case 'record':
      name = `map of ${typeName(def.valueType)}`;
      break;
    case 'union':
      name = def.options.map((option) => typeName(option)).join(' | ');
      break;
    case 'object':
      name = 'object';
      break;
    case 'any':
    case 'unknown':
      name = 'any';
      break;
    default:
      name = def.type;
  }
  return nullable ? `${name} | null` : name;
}

function describeObject(schema: z.core.$ZodType, keyPrefix: string, envPrefix: string | undefined, out: ConfigKeyDescription[]): void {
  const def = defOf(unwrap(schema).core);
  if (def.type !== 'object') return;
  for (const [key, child] of Object.entries(def.shape as Record<string, z.core.$ZodType>)) {
    const info = unwrap(child);
    const fullKey = keyPrefix === '' ? key : `${keyPrefix}.${key}`;
    const env = envPrefix === undefined ? undefined : `${envPrefix}${envSegment(key)}`;
    const entry: ConfigKeyDescription = {
      key: fullKey,
      type: typeName(child),
      required: !info.optional && !info.hasDefault,
      hasDefault: info.hasDefault,
      description: info.description,
    };
    if (info.hasDefault) entry.defaultValue = info.defaultValue;
    const coreDef = defOf(info.core);
    if (env !== undefined && coreDef.type !== 'object' && coreDef.type !== 'record') entry.env = env;
    out.push(entry);

    const nextEnv = env === undefined ? undefined : `${env}__`;
    if (coreDef.type === 'object') describeObject(info.core, fullKey, nextEnv, out);
    else if (coreDef.type === 'array') describeObject(coreDef.element, `${fullKey}[]`, undefined, out);
    else if (coreDef.type === 'record') describeObject(coreDef.valueType, `${fullKey}.<name>`, undefined, out);
  }
}

/** Schema node at `path` (array indexes and map keys step into items and values). */
function schemaAt(schema: z.core.$ZodType, path: Path): z.core.$ZodType | undefined {
  let node: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    if (node === undefined) return undefined;
    const def = defOf(unwrap(node).core);
    if (def.type === 'object') node = (def.shape as Record<string, z.core.$ZodType>)[String(segment)];
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'record') node = def.valueType;
    else return undefined;
  }
  return node;
}

function knownKeys(schema: z.ZodObject, path: Path): string[] {
  const node = schemaAt(schema, path);
  if (node === undefined) return [];
  const def = defOf(unwrap(node).core);
  return def.type === 'object' ? Object.keys(def.shape) : [];
}

function envNameFor(schema: z.ZodObject, prefix: string, path: Path): string | undefined {
  // Only keys reached through objects and maps have a variable; list items do not.
  const segments: string[] = [];
  let node: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    if (node === undefined || typeof segment !== 'string') return undefined;
    const def = defOf(unwrap(node).core);
    if (def.type === 'object') node = (def.shape as Record<string, z.core.$ZodType>)[segment];
    else if (def.type === 'record') node = def.valueType;
    else return undefined;
    segments.push(envSegment(segment));
  }
  return `${prefix}${segments.join('__')}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
