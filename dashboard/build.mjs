// Builds the dashboard into dashboard/dist: one ES module bundle and one stylesheet, both with a
// content hash in their names (served as immutable), and index.html pointing at them (served with
// no-cache). The output is written beside dist and renamed in one step, so a running API never
// serves half a build. Usage: node dashboard/build.mjs [--copy-to <dir>]
// --copy-to also places the result in <dir> (relative to the working directory), e.g.
// dist/dashboard/dist, where the compiled serve-dashboard.js looks first: the Docker image ships
// only dist/.
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (!(args.length === 0 || (args.length === 2 && args[0] === '--copy-to' && args[1] !== ''))) {
  process.stderr.write('usage: node dashboard/build.mjs [--copy-to <dir>]\n');
  process.exit(2);
}
const copyTo = args.length === 2 ? resolve(args[1]) : undefined;
const out = join(here, 'dist');
const staging = join(here, `dist.partial-${process.pid}`);

await rm(staging, { recursive: true, force: true });
await mkdir(staging, { recursive: true });
const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { app: 'src/main.ts', styles: 'src/styles.css' },
  outdir: join(staging, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
const outputs = Object.entries(result.metafile.outputs);
const find = (entry) => {
  const hit = outputs.find(([, meta]) => meta.entryPoint === entry);
  if (hit === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  return `/${relative(staging, join(here, hit[0])).split('\\').join('/')}`;
};
const html = (await readFile(join(here, 'src/index.html'), 'utf8')).replace('%SCRIPT%', find('src/main.ts')).replace('%STYLES%', find('src/styles.css'));
await writeFile(join(staging, 'index.html'), html);
await rm(out, { recursive: true, force: true });
await rename(staging, out);
if (copyTo !== undefined) {
  const partial = `${copyTo}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(dirname(copyTo), { recursive: true });
  await cp(out, partial, { recursive: true });
  await rm(copyTo, { recursive: true, force: true });
  await rename(partial, copyTo);
}
process.stdout.write(`dashboard built into ${relative(process.cwd(), out) || basename(out)}: ${outputs.length} assets${copyTo === undefined ? '' : `, copied to ${relative(process.cwd(), copyTo)}`}\n`);
