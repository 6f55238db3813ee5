#!/usr/bin/env -S node --no-concurrent-recompilation
// Entry point of the `tokmix` command: hands the arguments to oclif, which loads the compiled
// commands. TOKMIX_DIST=<folder> runs a build compiled elsewhere (e.g. `tsc --outDir dist-dev`).
// The V8 flag keeps Node 20 from deadlocking when a background TurboFan job waits for a garbage
// collection that the waiting main thread cannot run (nodejs/node#54918); it cost nothing measurable.
import { execute } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = process.env.TOKMIX_DIST;
if (distDir) {
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  pjson.oclif.commands = `./${distDir}/src/commands`;
  await execute({ dir: import.meta.url, loadOptions: { root, pjson } });
} else {
  await execute({ dir: import.meta.url });
}
