// Replays one merge list over many categories, each transcript cached content-addressed under
// the hash of the merge-list prefix used and the category's counts (binary, see transcript-codec).
import { createHash } from 'node:crypto';
import type { WordCounts } from '../corpus/types.js';
import type { Cache } from '../common/cache.js';
import type { ProgressCallback } from '../common/progress.js';
import type { Deadline } from '../common/deadline.js';
import type { Transcript } from './types.js';
import { replay, checkSteps, type ReplaySpec } from './replay.js';
import { buildSymbolTable } from './symbol-table.js';
import { encodeTranscript, decodeTranscript } from './transcript-codec.js';

/** SHA-256 of a merge-list prefix (with the alphabet, which fixes the base ids). */
export function mergePrefixHash(spec: ReplaySpec, steps: number): string {
  const hash = createHash('sha256').update(`${spec.alphabet}\n`);
  for (let t = 0; t < steps; t++) {
    const [left, right] = spec.mergeList[t];
    hash.update(`${left}\u0000${right}\u0001`);
  }
  return hash.digest('hex');
}

/** SHA-256 of a category's counts: its words, their counts and its byte total. */
export function wordCountsHash(counts: WordCounts): string {
  const hash = createHash('sha256');
  for (const word of counts.words) hash.update(`${word}\u0000`);
  hash.update(Buffer.from(counts.counts.buffer, counts.counts.byteOffset, counts.counts.byteLength));
  hash.update(`bytes=${counts.stats.bytes}`);
  return hash.digest('hex');
}

export async function replayCategories(
  counts: WordCounts[],
  spec: ReplaySpec,
  steps: number,
  options: { cache?: Cache; onProgress?: ProgressCallback; deadline?: Deadline } = {},
): Promise<Transcript[]> {
  checkSteps(spec, steps);
  const deadline = options.deadline;
  const stage = 'replaying the merges';
  const table = buildSymbolTable(spec.alphabet, spec.mergeList, steps);
  const merges = mergePrefixHash(spec, steps);
  const out: Transcript[] = [];
  // One progress stage over all categories (steps × categories), so a run over 100 categories
  // shows one bar, or one line when not on a terminal, instead of one per category.
  const total = steps * counts.length;
  for (const [index, category] of counts.entries()) {
    deadline?.check(stage);
    const report = options.onProgress;
    // replay() reports every 1% of the steps: there the run's deadline is checked too.
    const onProgress: ProgressCallback | undefined =
      report || deadline?.limited
        ? (event) => {
            deadline?.check(stage);
            report?.({
              ...event,
              done: Math.min(index * steps + event.done, total),
              total,
              detail: category.category.name,
            });
          }
        : undefined;
    const run = (): Transcript => replay(category, spec, steps, { onProgress, table });
    if (!options.cache) {
      out.push(run());
    } else {
      const key = {
        stage: 'replay',
        merges,
        steps,
        counts: wordCountsHash(category),
      };
      let built: Transcript | undefined;
      const payload = await options.cache.getOrBuild('replay', key, () => {
        built = run();
        return encodeTranscript(built);
      });
      if (built) {
        out.push(built);
      } else {
        out.push(decodeTranscript(payload));
        options.onProgress?.({
          stage: 'replay',
          done: (index + 1) * steps,
          total,
          unit: 'steps',
          detail: `${category.category.name} (cached)`,
        });
      }
    }
    // Let the event loop breathe (progress rendering) between categories.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}
