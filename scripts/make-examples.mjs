// `npm run examples`: remakes results/examples/ and the README's pictures by running tokmix itself
// (bin/run.js of this checkout's build), then records in results/examples/examples.json the tool
// version and the code fingerprint they were made with, and rewrites the README's table of
// example results from the new result.json files. test/docs/examples.test.ts fails, without any
// solve, when the recorded version or fingerprint no longer matches the code or the README's table
// no longer matches the results, so the examples cannot silently go stale.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(REPO, process.env.TOKMIX_DIST || 'dist');
const FOLDER = 'results/examples';
export const MANIFEST = `${FOLDER}/examples.json`;
/** The code-fingerprint stage whose code the examples depend on (common/code-fingerprint.ts). */
export const FINGERPRINT_STAGE = 'examples';

/** The runs, in order; each `args` is a tokmix command line writing into `folder`. */
export const EXAMPLES = [
  { folder: `${FOLDER}/gpt-4o-default`, args: ['infer', 'gpt-4o'] },
  { folder: `${FOLDER}/gpt2-default`, args: ['infer', 'gpt2'] },
  { folder: `${FOLDER}/claude-default`, args: ['infer', 'claude'] },
  // llama3 extends gpt-3.5: by default only its own merges are attacked (--skip-merges auto).
  { folder: `${FOLDER}/llama3-default`, args: ['infer', 'llama3'] },
  { folder: `${FOLDER}/gpt-4o-default-intervals`, args: ['infer', 'gpt-4o', '--bootstrap', '8'] },
];

/** Charts drawn from the runs above; `out` is a picture the README shows. */
export const PICTURES = [
  {
    out: `${FOLDER}/compare-default.png`,
    args: [
      'plot',
      ...['gpt-4o', 'gpt2', 'llama3', 'claude'].map((t) => `${FOLDER}/${t}-default/result.json`),
      '--group',
      'paper',
    ],
  },
];

/** The README's table of example results lies between these two lines. */
export const TABLE_START = '<!-- examples table: written by npm run examples -->';
export const TABLE_END = '<!-- end of examples table -->';

function percent(value, digits) {
  return `${(value * 100).toFixed(digits)}%`;
}

/**
 * One README row of a result: the six largest categories by byte share, or for an extension
 * (merges skipped) the pair share summed by kind, as its charts show.
 */
export function exampleRow(result) {
  const first = result.tokenizer.firstStep ?? 0;
  if (first > 0) {
    const byKind = new Map();
    for (const c of result.categories) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + c.pairShare);
    const kinds = [...byKind].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${percent(v, 0)}`);
    const after = first.toLocaleString('en-US');
    return `| ${result.tokenizer.name} (its own merges, after the first ${after}) | ${kinds.join(', ')} (pair share, by kind) |`;
  }
  const top = [...result.categories].sort((a, b) => b.byteShare - a.byteShare).slice(0, 6);
  return `| ${result.tokenizer.name} | ${top.map((c) => `${c.name} ${percent(c.byteShare, 1)}`).join(', ')} (byte share) |`;
}

/** The README's table block, from the examples' result.json files under `repo`. */
export function exampleTable(repo) {
  const rows = EXAMPLES.filter((e) => !e.args.includes('--bootstrap')).map((e) =>
    exampleRow(JSON.parse(readFileSync(join(repo, e.folder, 'result.json'), 'utf8'))),
  );
  return [TABLE_START, '| tokenizer | largest estimated shares |', '| --- | --- |', ...rows, TABLE_END].join(
    '\n',
  );
}

/** `readme` with its examples table replaced by `table`; throws when the markers are missing. */
export function withExampleTable(readme, table) {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md: no "${TABLE_START}" ... "${TABLE_END}" block`);
  return readme.slice(0, start) + table + readme.slice(end + TABLE_END.length);
}

function tokmix(args) {
  const started = Date.now();
  console.log(`$ tokmix ${args.join(' ')}`);
  const run = spawnSync(process.execPath, [join(REPO, 'bin', 'run.js'), ...args], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) {
    console.error(`tokmix ${args.join(' ')} failed (exit ${run.status}); the examples were not all remade`);
    process.exit(1);
  }
  return (Date.now() - started) / 1000;
}

async function main() {
  if (!existsSync(join(DIST, 'src', 'common', 'code-fingerprint.js'))) {
    console.error(`no build in ${relative(REPO, DIST)}: run npm run build first`);
    process.exit(1);
  }
  const { stageCodeFingerprint } = await import(
    pathToFileURL(join(DIST, 'src/common/code-fingerprint.js')).href
  );
  const { toolVersion } = await import(pathToFileURL(join(DIST, 'src/common/version.js')).href);
  const started = Date.now();
  const examples = [];
  for (const example of EXAMPLES) {
    const seconds = tokmix([...example.args, '--out', example.folder, '--force']);
    examples.push({ folder: example.folder, command: `tokmix ${example.args.join(' ')}`, seconds });
  }
  const pictures = [];
  for (const picture of PICTURES) {
    tokmix([...picture.args, '--out', picture.out, '--force']);
    pictures.push({ out: picture.out, command: `tokmix ${picture.args.join(' ')} --out ${picture.out}` });
  }
  const manifest = {
    kind: 'tokmix-examples',
    tool: { name: 'tokmix', version: toolVersion() },
    fingerprintStage: FINGERPRINT_STAGE,
    code: stageCodeFingerprint(FINGERPRINT_STAGE),
    createdAt: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    examples,
    pictures,
  };
  const temp = join(REPO, `${MANIFEST}.${process.pid}.tmp`);
  writeFileSync(temp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(temp, join(REPO, MANIFEST));
  const readmePath = join(REPO, 'README.md');
  writeFileSync(readmePath, withExampleTable(readFileSync(readmePath, 'utf8'), exampleTable(REPO)));
  console.log(`wrote ${MANIFEST} and the README's examples table in ${manifest.seconds.toFixed(0)} s`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main();
