// The run's clock bounds every part of the intervals: spent during the replicates, or after them
// during the stability prefixes (which used to solve without a limit), the run ends with one line
// naming the stage and the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deadline } from '../../src/common/deadline.js';
import { isUserError } from '../../src/common/errors.js';
import { inferMixture, type InferOptions } from '../../src/infer.js';
import { tempDir } from '../helpers/temp.js';
import { naiveMergesProblem } from '../helpers/naive-merges.js';

/** A clock with no limit until `spent` is set. */
class SpendableClock extends Deadline {
  spent = false;
  constructor() {
    super(3600);
  }
  override expired(): boolean {
    return this.spent;
  }
  override remainingMs(): number {
    return this.spent ? 0 : super.remainingMs();
  }
}

function problem(): { merges: string; base: InferOptions } {
  const { merges, base } = naiveMergesProblem(tempDir('interval-deadline'), 7);
  return { merges, base: { ...base, bootstrap: 4, trainingSize: false } };
}

test('a clock spent during the replicates or the prefixes ends the run in one line naming the stage', async () => {
  const { merges, base } = problem();
  const run = (spendWhen: (done: number, total: number) => boolean) => {
    const deadline = new SpendableClock();
    return inferMixture(merges, {
      ...base,
      deadline,
      onProgress: (e) => {
        if (e.stage === 'bootstrap' && spendWhen(e.done, e.total)) deadline.spent = true;
      },
    });
  };
  await assert.rejects(
    run((done) => done === 0),
    (error: unknown) => {
      assert.ok(isUserError(error));
      assert.match((error as Error).message, /ran out while computing the intervals \(--bootstrap 4: 0 of 4/);
      return true;
    },
  );
  // Every replicate done, then the clock runs out: the prefixes stop at once instead of solving on.
  await assert.rejects(
    run((done, total) => done === total),
    (error: unknown) => {
      assert.ok(isUserError(error));
      assert.match(
        (error as Error).message,
        /ran out while estimating the shares over the first 13 merges \(stability across merges, with --bootstrap\)/,
      );
      return true;
    },
  );
  // With time, the same problem answers with intervals and prefixes.
  const answered = await inferMixture(merges, base);
  assert.equal(answered.bootstrap?.replicates, 4);
  assert.deepEqual(answered.bootstrap?.merges, [13, 27, 40]);
});
