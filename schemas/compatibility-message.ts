/**
 * The message `sawmill schemas register` prints when the registry refuses a schema change: which
 * subject and file, at which level, and one line per broken field saying what changed and who can
 * no longer read what. The registry's own reasons are used when it gives them (ours names every
 * field); when it gives none (a terse registry, or only a 409), the reasons are worked out here by
 * diffing the two schemas with the same resolution walk the registry uses.
 */
import avro from 'avsc';
import { describeProblem, readProblems } from './registry/compatibility.js';

/** What a refused registration is described from. */
export interface RefusalContext {
  /** The registry subject, e.g. `logs.raw-value`. */
  readonly subject: string;
  /** Where the candidate schema came from (a path under schemas/avro/), for the operator to open. */
  readonly schemaFile: string;
  /** The compatibility level the subject is checked at. */
  readonly level: string;
  /** The registry's reasons (verbose compatibility check or the 409 body), possibly empty. */
  readonly registryMessages: readonly string[];
  /** The candidate schema (JSON). */
  readonly candidate: unknown;
  /** The latest registered schema of the subject (JSON) and its version, when known. */
  readonly latest?: { readonly schema: unknown; readonly version: number };
}

/**
 * Returns the reasons a candidate breaks `level` against the latest version, as sentences that name
 * the field and the readers that break (BACKWARD: the new schema reading old records; FORWARD: old
 * consumers reading new records); empty when the two are compatible at that level.
 */
export function diffCompatibility(candidate: unknown, latest: unknown, latestVersion: number, level: string): string[] {
  const next = avro.Type.forSchema(candidate as avro.Schema);
  const previous = avro.Type.forSchema(latest as avro.Schema);
  const base = level.replace('_TRANSITIVE', '');
  const reasons: string[] = [];
  if (base === 'BACKWARD' || base === 'FULL') {
    for (const problem of readProblems(next, previous)) {
      reasons.push(`${describeProblem(problem, { readerIsNew: true, otherVersion: latestVersion })}: consumers using the new schema cannot read records written with version ${latestVersion}`);
    }
  }
  if (base === 'FORWARD' || base === 'FULL') {
    for (const problem of readProblems(previous, next)) {
      reasons.push(`${describeProblem(problem, { readerIsNew: false, otherVersion: latestVersion })}: consumers still on version ${latestVersion} cannot read records written with the new schema`);
    }
  }
  return reasons;
}

/** Formats the refusal: a headline naming subject, file and level, then one `  - reason` line per problem. */
export function formatRefusal(context: RefusalContext): string {
  let reasons = context.registryMessages.map((message) => message.replace(/^[A-Z_]+: /, ''));
  if (reasons.length === 0 && context.latest !== undefined) {
    reasons = diffCompatibility(context.candidate, context.latest.schema, context.latest.version, context.level);
  }
  if (reasons.length === 0) reasons = ['the registry gave no reason and no difference was found locally; compare the file with the latest registered version'];
  const headline =
    `subject ${context.subject}: the schema in ${context.schemaFile} is not ${context.level}-compatible` +
    `${context.latest === undefined ? '' : ` with version ${context.latest.version}`} and was not registered`;
  return [headline, ...reasons.map((reason) => `  - ${reason}`)].join('\n');
}
