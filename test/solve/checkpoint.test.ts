// Checkpoints of a long solve: a solve stopped early leaves one, the next solve of the same problem
// resumes from it to the fresh solve's certified optimum, a certified solve removes it, and a file
// of another problem, corrupt, truncated, hostile or too large is refused in one UserError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { solveMixture } from '../../src/solve/index.js';
import {
  CHECKPOINT_MAX_BYTES,
  CHECKPOINT_VERSION,
  checkpointPath,
  decodeCheckpoint,
  encodeCheckpoint,
  problemFingerprint,
  readCheckpointFile,
  type Checkpoint,
} from '../../src/solve/checkpoint.js';
import { encodeEntry, decodeEntry } from '../../src/common/cache.js';
import { isUserError } from '../../src/common/errors.js';
import { tempFolder } from '../helpers/temp.js';
import { LazyMixtureLp } from '../../src/solve/lazy-lp.js';
import { buildPairUniverse } from '../../src/solve/pair-universe.js';
import { withSearchedLp } from './helpers.js';
import { randomProblem } from './full-lp-model.js';

const problem = randomProblem(5, 4, 45);
const { mergeList, transcripts } = problem;
const quiet = { mergeList, uncertainty: false };
/** The sweep's tolerance over the problem's steps, in normalized units, with room. */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-7 * (1 + Math.abs(b)) + 1e-9;

function refused(what: string, run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: Error) => {
    assert.ok(isUserError(error), `${what}: ${error.stack}`);
    assert.doesNotMatch(error.message, /\n/, what);
    assert.match(error.message, pattern, what);
    return true;
  });
}

test('a solve stopped by its size cap leaves a checkpoint; the next one resumes to the fresh optimum and removes it', async (t) => {
  const dir = tempFolder(t, 'ckpt');
  const fresh = await solveMixture(transcripts, quiet, { maxAdd: 5 });
  assert.equal(fresh.certified, true);
  assert.equal(fresh.checkpoint, undefined);

  const capped = await solveMixture(
    transcripts,
    { ...quiet, maxNonzeros: 120, checkpoint: { dir } },
    { maxAdd: 5 },
  );
  assert.equal(capped.stopped, 'size-cap');
  assert.ok(capped.checkpoint && 'file' in capped.checkpoint, JSON.stringify(capped.checkpoint));
  const file = capped.checkpoint.file;
  assert.equal(readFileSync(file).length, capped.checkpoint.bytes);
  const saved = readCheckpointFile(file);
  assert.ok(saved.rows.length > 0, 'no rows in the checkpoint');
  assert.ok(saved.lower <= saved.upper);

  // Resumed with a limit that leaves no time for a round: the carried bounds are the answer's.
  const told: unknown[] = [];
  const limited = await solveMixture(transcripts, {
    ...quiet,
    timeLimitSeconds: 1e-6,
    checkpoint: { dir, onResume: (r) => told.push(r) },
  });
  assert.equal(limited.certified, false);
  assert.deepEqual(told, [{ file, rows: saved.rows.length, previousGap: saved.gap }]);
  assert.ok(
    limited.lowerBound >= capped.lowerBound * (1 - 1e-12),
    `lower ${limited.lowerBound} < ${capped.lowerBound}`,
  );
  assert.ok(
    limited.upperBound <= capped.upperBound * (1 + 1e-9),
    `upper ${limited.upperBound} > ${capped.upperBound}`,
  );
  assert.ok(limited.lowerBound <= fresh.objective + 1e-9 && limited.upperBound >= fresh.objective - 1e-9);

  // The limited run rewrote the checkpoint with its own (carried) bounds.
  const rewritten = readCheckpointFile(file);
  assert.ok(close(rewritten.gap, limited.gap), `${rewritten.gap} vs ${limited.gap}`);
  const resumed = await solveMixture(transcripts, { ...quiet, checkpoint: { dir } }, { maxAdd: 5 });
  assert.equal(resumed.certified, true);
  assert.deepEqual(resumed.resumed, { file, rows: rewritten.rows.length, previousGap: rewritten.gap });
  assert.ok(close(resumed.objective, fresh.objective), `${resumed.objective} vs fresh ${fresh.objective}`);
  assert.equal(existsSync(file), false, 'a certified solve removes its checkpoint');
  assert.deepEqual(readdirSync(dir), []);
});

test("resume 'fresh' ignores the checkpoint; a time-limited solve leaves one that resumes to the optimum", async (t) => {
  const dir = tempFolder(t, 'ckpt');
  const fresh = await solveMixture(transcripts, quiet);
  const limited = await solveMixture(transcripts, { ...quiet, timeLimitSeconds: 1e-6, checkpoint: { dir } });
  assert.equal(limited.stopped, 'time-limit');
  assert.ok(limited.checkpoint && 'file' in limited.checkpoint);
  const again = await solveMixture(transcripts, { ...quiet, checkpoint: { dir, resume: 'fresh' } });
  assert.equal(again.resumed, undefined);
  assert.equal(again.certified, true);
  assert.equal(existsSync(limited.checkpoint.file), false);

  await solveMixture(transcripts, { ...quiet, timeLimitSeconds: 1e-6, checkpoint: { dir } });
  const resumed = await solveMixture(transcripts, { ...quiet, checkpoint: { dir } });
  assert.ok(resumed.resumed);
  assert.equal(resumed.certified, true);
  assert.ok(close(resumed.objective, fresh.objective), `${resumed.objective} vs ${fresh.objective}`);
});

test("a sampled solve never resumes from the paper LP's checkpoint, nor the reverse", async (t) => {
  const dir = tempFolder(t, 'ckpt');
  const steps = transcripts[0].steps;
  const sampled = { estimator: 'sampled' as const, sampledSteps: Math.max(1, steps >> 1) };
  const paper = await solveMixture(transcripts, { ...quiet, timeLimitSeconds: 1e-6, checkpoint: { dir } });
  assert.ok(paper.checkpoint && 'file' in paper.checkpoint);
  const fresh = await solveMixture(transcripts, { ...quiet, ...sampled });
  const other = await solveMixture(transcripts, { ...quiet, ...sampled, checkpoint: { dir } });
  assert.equal(other.resumed, undefined, 'the sampled LP resumed from the paper LP');
  assert.ok(close(other.objective, fresh.objective), `${other.objective} vs ${fresh.objective}`);
  assert.ok(existsSync(paper.checkpoint.file), "the paper LP's checkpoint is left for it");
});

test('the fingerprint covers the transcripts, their order and the options that change the LP, nothing else', () => {
  const base = problemFingerprint(transcripts, {});
  assert.equal(problemFingerprint(transcripts, { firstStep: 0, tolerance: 1e-6 }), base);
  assert.equal(problemFingerprint(transcripts, { excludedSteps: new Uint8Array(45) }), base);
  const other = [
    problemFingerprint(transcripts, { firstStep: 3 }),
    problemFingerprint(transcripts, { tolerance: 1e-4 }),
    problemFingerprint(transcripts, { normalizeAt: 'step-0' }),
    problemFingerprint(transcripts, { excludedSteps: Uint8Array.from({ length: 45 }, (_, t) => +(t === 7)) }),
    problemFingerprint([...transcripts].reverse(), {}),
    problemFingerprint(transcripts.slice(1), {}),
    problemFingerprint(randomProblem(6, 4, 45).transcripts, {}),
  ];
  assert.equal(new Set([base, ...other]).size, other.length + 1);
});

test('a checkpoint of another problem, or a corrupt, truncated, hostile or huge file, is one UserError naming it', async (t) => {
  const dir = tempFolder(t, 'ckpt');
  const fingerprint = problemFingerprint(transcripts, {});
  const expect = { fingerprint, steps: 45, vocabSize: transcripts[0].vocabSize, categories: 4 };
  const good: Checkpoint = {
    fingerprint,
    steps: 45,
    vocabSize: expect.vocabSize,
    categories: 4,
    rows: [
      { step: 3, left: 1, right: 2 },
      { step: 1, left: 0, right: 4 },
    ],
    lower: 1,
    upper: 2,
    gap: 0.5,
    alpha: Float64Array.from([0.25, 0.25, 0.25, 0.25]),
    pairSlacks: [{ left: 2, right: 3, value: 0.5 }],
  };
  const bytes = encodeCheckpoint(good);
  const back = decodeCheckpoint(bytes, 'f', expect);
  assert.deepEqual(back.rows, [good.rows[1], good.rows[0]]);
  assert.deepEqual(back.pairSlacks, good.pairSlacks);
  assert.deepEqual([...back.alpha], [...good.alpha]);
  // Rows and slacks naming a character outside the vocabulary (negative symbols) are left out, not mangled.
  const outside = {
    ...good,
    rows: [...good.rows, { step: 3, left: -98, right: 1 }],
    pairSlacks: [...good.pairSlacks, { left: 2, right: -98, value: 0.25 }],
  };
  const outsideBack = decodeCheckpoint(encodeCheckpoint(outside), 'f', expect);
  assert.deepEqual(outsideBack.rows, back.rows);
  assert.deepEqual(outsideBack.pairSlacks, back.pairSlacks);

  const write = (name: string, data: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  };
  const named = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `);
  const other = write('other.ckpt', encodeCheckpoint({ ...good, fingerprint: 'f'.repeat(32) }));
  refused('another problem', () => readCheckpointFile(other, expect), /a checkpoint of another problem/);
  const truncated = write('truncated.ckpt', bytes.subarray(0, bytes.length - 3));
  refused('truncated', () => readCheckpointFile(truncated, expect), named(truncated));
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 1] ^= 1;
  refused(
    'flipped',
    () => readCheckpointFile(write('flipped.ckpt', flipped), expect),
    /not a valid tokmix checkpoint/,
  );
  refused(
    'json',
    () => readCheckpointFile(write('j.ckpt', Buffer.from('{"rows": []}')), expect),
    /not a valid/,
  );
  // A valid frame around payloads that lie: another version, rows beyond the steps or vocabulary.
  const payload = Buffer.from(decodeEntry(bytes)!);
  const version = Buffer.from(payload);
  version.writeUInt32LE(CHECKPOINT_VERSION + 1, 8);
  refused(
    'version',
    () => readCheckpointFile(write('v.ckpt', encodeEntry(version)), expect),
    /format version/,
  );
  const late = encodeCheckpoint({ ...good, rows: [{ step: 45, left: 0, right: 1 }] });
  refused('step', () => readCheckpointFile(write('s.ckpt', late), expect), /beyond its 45 steps/);
  const symbol = encodeCheckpoint({ ...good, rows: [{ step: 1, left: expect.vocabSize, right: 1 }] });
  refused('symbol', () => readCheckpointFile(write('y.ckpt', symbol), expect), /beyond the vocabulary/);
  const counts = encodeCheckpoint({ ...good, rows: [] });
  const lying = Buffer.from(
    decodeEntry(counts)!.toString('latin1').replace('"rows":0', '"rows":9'),
    'latin1',
  );
  refused('count', () => readCheckpointFile(write('c.ckpt', encodeEntry(lying)), expect), /ends early/);
  const share = encodeCheckpoint({ ...good, alpha: Float64Array.from([Number.NaN, 0, 0, 1]) });
  refused('share', () => readCheckpointFile(write('a.ckpt', share), expect), /share out of range/);
  // Forged with a recomputed frame: shares that are no mixture, or a lower bound over the upper.
  const zero = encodeCheckpoint({ ...good, alpha: new Float64Array(4) });
  refused('zero shares', () => readCheckpointFile(write('z.ckpt', zero), expect), /shares sum to 0, not 1/);
  const tiny = encodeCheckpoint({ ...good, alpha: new Float64Array(4).fill(1e-300) });
  refused('tiny shares', () => readCheckpointFile(write('t.ckpt', tiny), expect), /shares sum to 4e-300/);
  const inverted = encodeCheckpoint({ ...good, lower: 3, upper: 2 });
  refused('bounds', () => readCheckpointFile(write('b.ckpt', inverted), expect), /lower bound lies above/);
  // Consistent in itself, but its lower bound lies above what its own shares reach on this
  // problem: resuming would certify them at once.
  const forged = write('f.ckpt', encodeCheckpoint({ ...good, lower: 1e12, upper: 1e12, gap: 0 }));
  await assert.rejects(
    solveMixture(transcripts, { ...quiet, checkpoint: { dir, resume: { file: forged } } }),
    (error: Error) =>
      isUserError(error) && /f\.ckpt: .*lower bound .* exceeds the objective/.test(error.message),
  );
  // Huge: refused from its size, unread (a sparse file takes no space).
  const huge = write('huge.ckpt', new Uint8Array(0));
  truncateSync(huge, CHECKPOINT_MAX_BYTES + 1);
  refused('huge', () => readCheckpointFile(huge, expect), /more than any tokmix checkpoint/);
  refused('missing', () => readCheckpointFile(join(dir, 'none.ckpt'), expect), /no such file/);
  // Through the solve: an explicit file of another problem stops it before any solving.
  await assert.rejects(
    solveMixture(transcripts, { ...quiet, checkpoint: { dir, resume: { file: other } } }),
    (error: Error) => isUserError(error) && /another problem/.test(error.message),
  );
  // A damaged checkpoint in the cache is passed over: the solve starts over.
  writeFileSync(join(dir, `${fingerprint}.ckpt`), flipped);
  const solved = await solveMixture(transcripts, { ...quiet, checkpoint: { dir } });
  assert.equal(solved.resumed, undefined);
  assert.equal(solved.certified, true);
});

test('a running solve writes its checkpoint as it goes (a killed run leaves one); the certified end removes it', async (t) => {
  const dir = tempFolder(t, 'ckpt');
  const file = checkpointPath(dir, problemFingerprint(transcripts, {}));
  const seen: boolean[] = [];
  const estimate = await solveMixture(
    transcripts,
    {
      ...quiet,
      // A time limit makes the first bound follow the first round; everySeconds 0: after every round.
      timeLimitSeconds: 600,
      checkpoint: { dir, everySeconds: 0 },
      onProgress: (event) => {
        if (event.stage === 'solve') seen.push(existsSync(file));
      },
    },
    { maxAdd: 3, boundInterval: 0 },
  );
  assert.equal(estimate.certified, true);
  assert.ok(seen.includes(true), 'no checkpoint was written while the solve ran');
  assert.equal(existsSync(file), false);
});

test('a checkpoint that cannot be written leaves the answer intact and says so in its note', async (t) => {
  const dir = tempFolder(t, 'ckpt');
  const notAFolder = join(dir, 'file');
  writeFileSync(notAFolder, 'not a folder');
  const estimate = await solveMixture(
    transcripts,
    { ...quiet, maxNonzeros: 120, checkpoint: { dir: join(notAFolder, 'checkpoint') } },
    { maxAdd: 5 },
  );
  assert.equal(estimate.stopped, 'size-cap');
  assert.ok(estimate.checkpoint && 'error' in estimate.checkpoint);
  assert.match(estimate.uncertainty?.note ?? '', /no checkpoint written/);
  assert.equal(readFileSync(notAFolder, 'utf8'), 'not a folder');
});

test('rows at excluded steps are never seeded (a checkpoint cannot constrain what the LP leaves out)', async () => {
  const rows = await withSearchedLp(transcripts, 'highs', {}, (lp) => lp.heldRows());
  assert.ok(rows.length > 0);
  const seed = (excludedSteps?: Uint8Array) =>
    new LazyMixtureLp(transcripts, buildPairUniverse(transcripts), {
      competitorBatch: 10,
      tolerance: 1e-6,
      excludedSteps,
    }).seedRows(rows);
  assert.equal(seed(), rows.length);
  const excluded = new Uint8Array(45);
  for (const row of rows) excluded[row.step] = 1;
  assert.equal(seed(excluded), 0);
});
