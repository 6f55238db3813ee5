// Intervals are cached with the estimate (DESIGN.md, "Intervals"): a certified point's intervals
// and prefixes are read back unchanged by the same run again; an uncertified point's are not kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferMixture } from '../../src/infer.js';
import { tempDir } from '../helpers/temp.js';
import { naiveMergesProblem } from '../helpers/naive-merges.js';

test("a certified point's intervals are read back; an uncertified point's are not kept", async () => {
  const { merges, base } = naiveMergesProblem(tempDir('interval-cache'), 3);
  const run = (gap?: number) => inferMixture(merges, { ...base, gap, bootstrap: 2, trainingSize: false });

  // Stopped at a gap: the point is not a pure function of the problem, so its intervals are not
  // kept; the same command again (resuming the checkpoint, stopped again) computes them anew.
  const stopped = await run(0.5);
  const stoppedAgain = await run(0.5);
  assert.equal(stopped.solver.stopped, 'gap');
  assert.equal(stoppedAgain.solver.stopped, 'gap');
  assert.equal(stopped.bootstrap?.cached, undefined);
  assert.equal(stoppedAgain.bootstrap?.cached, undefined);

  // Certified: kept, and read back unchanged.
  const first = await run();
  const again = await run();
  assert.equal(first.solver.certified, true);
  assert.equal(first.bootstrap?.cached, undefined);
  assert.equal(again.bootstrap?.cached, true);
  assert.equal(again.bootstrap?.seconds, first.bootstrap?.seconds);
  assert.deepEqual(again.bootstrap?.byteShareReplicates, first.bootstrap?.byteShareReplicates);
  assert.deepEqual(
    again.categories.map((c) => [c.byteShareCI, c.pairShareCI, c.byteShareByMerges]),
    first.categories.map((c) => [c.byteShareCI, c.pairShareCI, c.byteShareByMerges]),
  );
});
