// Cache keys follow the code: a stage's fingerprint changes with any compiled module its entry
// reaches through imports (worker URLs included) and with the installed version of a package those
// modules import, and with no other file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  STAGE_ENTRIES,
  codeFingerprint,
  importedPackages,
  moduleClosure,
  stageCodeFingerprint,
  stageModules,
} from '../../src/common/code-fingerprint.js';
import { Cache } from '../../src/common/cache.js';
import { tempFolder } from '../helpers/temp.js';

/** The compiled src/ these tests run against (dist/src). */
const BUILT_SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function fingerprintOf(root: string, stage: string): string {
  return codeFingerprint(root, stageModules(root, stage), '0.1.0');
}

test('the closure follows imports, re-exports, dynamic imports and worker URLs, and nothing else', (t) => {
  const root = tempFolder(t, 'fingerprint');
  mkdirSync(join(root, 'stage'));
  mkdirSync(join(root, 'lib'));
  const files: Record<string, string> = {
    'stage/entry.js':
      "import { b } from './b.js';\nexport * from '../lib/c.js';\n" +
      "const w = new URL('./worker.js', import.meta.url);\nexport const d = () => import('./d.js');",
    'stage/b.js':
      "import { e } from './entry.js';\nimport 'node:fs';\nimport './missing.js';\nexport const b = 1;",
    'lib/c.js': "export { x } from '../lib/x.js';",
    'lib/x.js': 'export const x = 1;',
    'stage/worker.js': 'postMessage(1);',
    'stage/d.js': 'export const d = 1;',
    'stage/unrelated.js': "import { b } from './b.js';",
    'lib/other.js': 'export const o = 1;',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  const closure = moduleClosure(root, 'stage/entry.js');
  assert.deepEqual(closure, [
    'lib/c.js',
    'lib/x.js',
    'stage/b.js',
    'stage/d.js',
    'stage/entry.js',
    'stage/worker.js',
  ]);

  const before = codeFingerprint(root, closure, '0.1.0');
  assert.equal(codeFingerprint(root, moduleClosure(root, 'stage/entry.js'), '0.1.0'), before, 'stable');
  assert.notEqual(codeFingerprint(root, closure, '0.2.0'), before, 'the tool version counts');
  for (const name of Object.keys(files)) {
    appendFileSync(join(root, name), '\n// edited');
    const after = codeFingerprint(root, moduleClosure(root, 'stage/entry.js'), '0.1.0');
    if (closure.includes(name)) assert.notEqual(after, before, `${name} is in the closure`);
    else assert.equal(after, before, `${name} is not in the closure`);
    writeFileSync(join(root, name), files[name]);
  }
});

test('the installed version of a package a stage imports counts; an unrelated package does not', (t) => {
  const top = tempFolder(t, 'fingerprint-packages');
  const root = join(top, 'dist', 'src');
  mkdirSync(root, { recursive: true });
  writeFileSync(
    join(root, 'entry.js'),
    "import { solve } from 'fake-solver';\nimport 'node:fs';\nimport { join } from 'path';\n" +
      "export const more = () => import('@fake/reader/sub.js');",
  );
  const install = (name: string, version: string): void => {
    mkdirSync(join(top, 'node_modules', name), { recursive: true });
    writeFileSync(join(top, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  };
  install('fake-solver', '1.0.0');
  install('@fake/reader', '2.0.0');
  install('fake-unrelated', '3.0.0');
  assert.deepEqual(importedPackages(root, ['entry.js']), ['@fake/reader@2.0.0', 'fake-solver@1.0.0']);
  const before = codeFingerprint(root, ['entry.js'], '0.1.0');
  install('fake-unrelated', '3.0.1');
  assert.equal(codeFingerprint(root, ['entry.js'], '0.1.0'), before, 'a package no module imports');
  install('fake-solver', '1.0.1');
  assert.notEqual(codeFingerprint(root, ['entry.js'], '0.1.0'), before, 'an imported package upgraded');
});

test('the built stages reach the modules a hand-kept list missed', () => {
  const modulesOf = (stage: string) => stageModules(BUILT_SRC, stage);
  for (const [stage, entry] of Object.entries(STAGE_ENTRIES)) {
    assert.ok(modulesOf(stage).includes(entry), `${stage} includes its entry ${entry}`);
  }
  // The two gaps of the old folder map (issue 23), and the modules reached only by URL.
  for (const module of ['count/count.js', 'bootstrap/bootstrap.js', 'experiment/trial-worker.js']) {
    assert.ok(modulesOf('validate-trial').includes(module), `validate-trial reaches ${module}`);
  }
  assert.ok(
    modulesOf('replay').includes('tokenizer/byte-level.js'),
    'replay reaches tokenizer/byte-level.js',
  );
  assert.ok(modulesOf('count').includes('count/count-worker.js'), 'count reaches its worker');
  assert.ok(modulesOf('count').includes('tokenizer/pipeline.js'), "count reaches the workers' pipeline");
  // And they stay narrow: the charts decide no cached stage.
  for (const stage of Object.keys(STAGE_ENTRIES)) {
    assert.ok(!modulesOf(stage).includes('report/html.js'), `${stage} does not depend on report/html.js`);
  }
  assert.ok(
    modulesOf('an-unlisted-stage').includes('report/html.js'),
    'an unlisted stage depends on everything',
  );
});

test('in a copy of the built tree, editing a module changes exactly the stages that reach it', (t) => {
  const root = tempFolder(t, 'fingerprint-built');
  cpSync(BUILT_SRC, root, { recursive: true, filter: (path) => !/\.(map|ts)$/.test(path) });
  const stages = Object.keys(STAGE_ENTRIES);
  const closures = new Map(stages.map((stage) => [stage, stageModules(root, stage)]));
  const before = new Map(stages.map((stage) => [stage, fingerprintOf(root, stage)]));
  // Every module some stage reaches, and a sample of the rest.
  const reached = new Set(stages.flatMap((stage) => closures.get(stage)!));
  const edited = [...reached, 'report/html.js', 'commands/plot.js', 'slurm/jobs.js', 'index.js'];
  for (const module of edited) {
    const path = join(root, module);
    const text = readFileSync(path);
    appendFileSync(path, '\n// edited');
    for (const stage of stages) {
      const changed = fingerprintOf(root, stage) !== before.get(stage);
      assert.equal(changed, closures.get(stage)!.includes(module), `${stage} after editing ${module}`);
    }
    writeFileSync(path, text);
  }
});

test('stages have their own fingerprints and the cache address includes them', (t) => {
  assert.notEqual(stageCodeFingerprint('replay'), stageCodeFingerprint('count'));
  assert.equal(stageCodeFingerprint('replay'), stageCodeFingerprint('replay'));
  const dir = tempFolder(t, 'cache');
  const cache = new Cache(dir);
  // The same key under two stages lands at two addresses, not only in two folders.
  const replay = cache.pathOf('replay', { k: 1 }).split('/').pop();
  const count = cache.pathOf('count', { k: 1 }).split('/').pop();
  assert.notEqual(replay, count);
});
