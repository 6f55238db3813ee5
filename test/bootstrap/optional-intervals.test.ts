// Intervals nobody asked for (the CLI's default) never fail a run: when the run's clock runs out
// during the replicates, the answer comes without them and says why; asked for with --bootstrap,
// the same clock ends the run with one line naming the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deadline } from '../../src/common/deadline.js';
import { isUserError } from '../../src/common/errors.js';
import { inferMixture, type InferOptions } from '../../src/infer.js';
import { tempDir } from '../helpers/temp.js';
import { ALPHABETS, syntheticLanguage, trainNaive } from '../solve/helpers.js';

/** A clock with no limit until the bootstrap starts, then spent. */
class SpentAtBootstrap extends Deadline {
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
  const work = tempDir('optional-intervals');
  const categories = join(work, 'cats');
  const all = new Map<string, number>();
  for (const [k, name] of ['first', 'second'].entries()) {
    const lines: string[] = [];
    for (const [word, count] of syntheticLanguage(k + 7, ALPHABETS[k], 2000, 150)) {
      all.set(word.trim(), (all.get(word.trim()) ?? 0) + count);
      for (let c = 0; c < count; c++) lines.push(word.trim());
    }
    const text: string[] = [];
    for (let i = 0; i < lines.length; i += 10) text.push(lines.slice(i, i + 10).join(' '));
    mkdirSync(join(categories, name), { recursive: true });
    writeFileSync(join(categories, name, 'sample.txt'), text.join('\n') + '\n');
  }
  const merges = join(work, 'merges.txt');
  writeFileSync(
    merges,
    trainNaive(all, 60)
      .map(([left, right]) => `${left} ${right}\n`)
      .join(''),
  );
  return {
    merges,
    base: {
      categories,
      merges: 40,
      pretokenizer: 'gpt2',
      allowUnconstrained: true,
      cacheDir: join(work, 'cache'),
      jobs: 1,
      bootstrap: 4,
      trainingSize: false,
    },
  };
}

test('a clock spent during default intervals leaves them out with the reason; asked-for ones end the run', async () => {
  const { merges, base } = problem();
  const run = (intervalsOptional: boolean) => {
    const deadline = new SpentAtBootstrap();
    return inferMixture(merges, {
      ...base,
      intervalsOptional,
      deadline,
      onProgress: (e) => {
        if (e.stage === 'bootstrap') deadline.spent = true;
      },
    });
  };
  const answered = await run(true);
  assert.equal(answered.solver.certified, true);
  assert.equal(answered.bootstrap, undefined);
  assert.match(answered.intervalsSkipped ?? '', /^the run's time budget ran out while computing them/);
  assert.ok(answered.categories.every((c) => c.byteShareCI === undefined));
  const total = answered.categories.reduce((s, c) => s + c.byteShare, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);

  await assert.rejects(run(false), (error: unknown) => {
    assert.ok(isUserError(error));
    assert.match((error as Error).message, /ran out while computing the intervals \(--bootstrap 4: 0 of 4/);
    return true;
  });
});
