// The estimate cache: a certified solve of the same transcripts and options is answered from the
// cache (no solve, a `cached` progress event, the same estimate); other options miss it; an
// uncertified solve (stopped at a gap) is not kept; the rows a caller asks for are kept beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cache } from '../../src/common/cache.js';
import type { ProgressEvent } from '../../src/common/progress.js';
import { solveMixtureCached } from '../../src/solve/cached-solve.js';
import { ALPHABETS, mixtureProblem, syntheticLanguage } from './helpers.js';
import { tempFolder } from '../helpers/temp.js';

const samples = [0, 1, 2].map((k) => syntheticLanguage(k + 1, ALPHABETS[k], 400, 60));
const { mergeList, transcripts, truth } = mixtureProblem(samples, [0.5, 0.3, 0.2], 120);

test('a certified estimate is cached and answered without solving; other options miss', async (t) => {
  const cache = new Cache(tempFolder(t, 'cached-solve'));
  const events: ProgressEvent[] = [];
  const onProgress = (e: ProgressEvent): void => void events.push(e);
  const first = await solveMixtureCached(transcripts, { mergeList, backend: 'glpk', onProgress }, cache);
  assert.equal(first.certified, true);
  assert.equal(first.cached, undefined);
  first.byteShare.forEach((share, i) => assert.ok(Math.abs(share - truth[i]) < 1e-3, `share ${i}`));
  assert.equal(events.filter((e) => e.detail === 'cached').length, 0);
  const second = await solveMixtureCached(transcripts, { mergeList, backend: 'glpk', onProgress }, cache);
  assert.deepEqual(events.filter((e) => e.detail === 'cached').length, 1);
  assert.deepEqual(second.pairShare, first.pairShare);
  assert.deepEqual(second.byteShare, first.byteShare);
  assert.equal(second.objective, first.objective);
  assert.equal(second.cached, true); // its seconds are the first solve's, and it says so
  // Another backend is another answer's provenance: solved, not read. So is a solve asked to start
  // over (--no-resume) or to resume a given checkpoint.
  await solveMixtureCached(transcripts, { mergeList, backend: 'highs', onProgress }, cache);
  const checkpoint = { dir: tempFolder(t, 'cached-solve-ckpt'), resume: 'fresh' as const };
  await solveMixtureCached(transcripts, { mergeList, backend: 'glpk', onProgress, checkpoint }, cache);
  assert.equal(events.filter((e) => e.detail === 'cached').length, 1);
});

test('an estimate stopped at a gap is not cached (one that certified anyway is)', async (t) => {
  const cache = new Cache(tempFolder(t, 'cached-solve-gap'));
  const events: ProgressEvent[] = [];
  const options = {
    mergeList,
    backend: 'glpk' as const,
    gap: 0.9,
    onProgress: (e: ProgressEvent) => void events.push(e),
  };
  const first = await solveMixtureCached(transcripts, options, cache);
  await solveMixtureCached(transcripts, options, cache);
  const kept = first.certified && first.stopped === undefined;
  assert.equal(
    events.filter((e) => e.detail === 'cached').length,
    kept ? 1 : 0,
    JSON.stringify(first.stopped),
  );
});

test('a solve asked for its rows is cached with them; a cached estimate without rows is solved again', async (t) => {
  const cache = new Cache(tempFolder(t, 'cached-solve-rows'));
  const events: ProgressEvent[] = [];
  const onProgress = (e: ProgressEvent): void => void events.push(e);
  const cachedEvents = () => events.filter((e) => e.detail === 'cached').length;
  // A plain solve's entry holds no rows: a caller wanting them solves.
  await solveMixtureCached(transcripts, { mergeList, backend: 'glpk', onProgress }, cache);
  const withRows = await solveMixtureCached(
    transcripts,
    { mergeList, backend: 'glpk', onProgress, exportRows: true },
    cache,
  );
  assert.equal(cachedEvents(), 0);
  assert.ok(withRows.rows && withRows.rows.length > 0);
  // Now both entries are there: the rows come back as they were, and a plain caller gets no rows.
  const again = await solveMixtureCached(
    transcripts,
    { mergeList, backend: 'glpk', onProgress, exportRows: true },
    cache,
  );
  assert.equal(again.cached, true);
  assert.deepEqual(again.rows, withRows.rows);
  assert.deepEqual(again.byteShare, withRows.byteShare);
  const plain = await solveMixtureCached(transcripts, { mergeList, backend: 'glpk', onProgress }, cache);
  assert.equal(plain.cached, true);
  assert.equal(plain.rows, undefined);
  assert.equal(cachedEvents(), 2);
});
