// Before an incremental build: removes compiled files whose TypeScript source is gone, so removed
// sources never linger as ghost commands or tests; if an expected output is missing, forgets the
// build info so tsc emits everything again (tsc's incremental mode does not check its outputs).
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DIST = 'dist';
const BUILD_INFO = join(DIST, '.tsbuildinfo');
const ROOTS = ['src', 'test', 'bench', 'corpora'];

function walk(dir, visit) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, visit);
    else visit(path);
  }
}

let missing = false;
for (const root of ROOTS) {
  walk(root, (path) => {
    if (
      path.endsWith('.ts') &&
      !path.endsWith('.d.ts') &&
      !existsSync(join(DIST, path.replace(/\.ts$/, '.js')))
    )
      missing = true;
  });
  walk(join(DIST, root), (path) => {
    const source = path.slice(DIST.length + 1).replace(/\.(js|js\.map|d\.ts|d\.ts\.map)$/, '.ts');
    if (source !== path.slice(DIST.length + 1) && !existsSync(source)) rmSync(path);
  });
}
if (missing) rmSync(BUILD_INFO, { force: true });
