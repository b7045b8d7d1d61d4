// After `tsc`, copies the data files the code reads relative to its own module (Avro schemas,
// SQL migrations) into dist/ at the same relative paths, so compiled code finds them as the
// sources do under tsx. Run by `npm run build`; the Docker image uses the same build.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ASSET = /\.(avsc|sql)$/;
const SKIP = new Set(['node_modules', 'dist', '.local', '.git', 'target']);

function* assets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* assets(path);
    else if (ASSET.test(entry.name)) yield path;
  }
}

let copied = 0;
for (const source of assets(root)) {
  const target = join(root, 'dist', relative(root, source));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target);
  copied += 1;
}
process.stdout.write(`copy-assets: ${copied} file(s) into dist/\n`);
