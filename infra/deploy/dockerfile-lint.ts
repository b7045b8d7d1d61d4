// A small Dockerfile linter for the rules Sawmill's image must keep: multi-stage, every base image
// pinned (an exact version tag or a digest, never `latest`), a non-root USER in the final stage,
// a HEALTHCHECK, and `sawmill` as the exec-form entrypoint. It reads the instructions only
// (continuation lines joined, comments dropped); it does not build anything.

/** One instruction: its keyword (upper case) and the rest of the line. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** 1-based line where the instruction starts. */
  readonly line: number;
}

/** Splits Dockerfile text into instructions, joining `\` continuations and skipping comments. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let pending = '';
  let start = 0;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue;
    if (pending === '') start = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trimEnd()} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (match !== null) instructions.push({ keyword: (match[1] as string).toUpperCase(), args: match[2] as string, line: start });
  }
  return instructions;
}

/** An image reference is pinned when it names a digest or an exact x.y.z version tag. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^:/@]+)$/.exec(image)?.[1];
  return tag !== undefined && /^v?\d+\.\d+\.\d+([-.][A-Za-z0-9.-]+)?$/.test(tag);
}

/** Returns one line per broken rule (empty when the Dockerfile keeps them all). */
export function dockerfileProblems(text: string): string[] {
  const instructions = parseDockerfile(text);
  const problems: string[] = [];
  // Global ARG defaults (before the first FROM) can be used in FROM lines.
  const args = new Map<string, string>();
  const stages: string[] = [];
  let finalStageStart = -1;
  for (const [index, ins] of instructions.entries()) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const [name, value] = ins.args.split('=', 2);
      if (name !== undefined && value !== undefined) args.set(name.trim(), value.trim());
    }
    if (ins.keyword !== 'FROM') continue;
    finalStageStart = index;
    const [imageRef, as, stageName] = ins.args.split(/\s+/);
    const image = (imageRef ?? '').replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => args.get(name) ?? `\${${name}}`);
    if (!stages.includes(image)) {
      if (image.includes('${')) problems.push(`line ${ins.line}: FROM ${imageRef ?? ''} uses an ARG without a default`);
      else if (!isPinnedImage(image)) problems.push(`line ${ins.line}: base image ${image} is not pinned to an exact version or digest`);
    }
    if (as?.toUpperCase() === 'AS' && stageName !== undefined) stages.push(stageName);
  }
  if (finalStageStart < 0) return ['no FROM instruction'];
  if (instructions.filter((i) => i.keyword === 'FROM').length < 2) problems.push('not a multi-stage build (one FROM)');
  const final = instructions.slice(finalStageStart);
  const users = final.filter((i) => i.keyword === 'USER');
  const lastUser = users.at(-1)?.args.split(':')[0]?.trim();
  if (lastUser === undefined) problems.push('the final stage sets no USER, so it runs as root');
  else if (lastUser === 'root' || lastUser === '0') problems.push(`the final stage runs as ${lastUser}`);
  const health = final.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
  if (health === undefined) problems.push('the final stage has no HEALTHCHECK');
  else if (/^NONE$/i.test(health.args.trim())) problems.push('HEALTHCHECK NONE disables the health check');
  else if (!/\bCMD\b/.test(health.args)) problems.push('HEALTHCHECK has no CMD');
  const entrypoint = final.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  if (entrypoint?.args.trim() !== '["sawmill"]') problems.push(`ENTRYPOINT must be ["sawmill"] (exec form), got ${entrypoint?.args ?? 'none'}`);
  return problems;
}
