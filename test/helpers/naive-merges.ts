// A small problem with no built-in behind it: two synthetic Latin-letter categories written as
// folders, and a merges.txt trained naively on their union (so a cold cache costs nothing to derive).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferOptions } from '../../src/infer.js';
import { ALPHABETS, syntheticLanguage, trainNaive } from '../solve/helpers.js';

/**
 * Writes `work`/cats/{first,second}/sample.txt and `work`/merges.txt (60 merges; seeds from `seed`);
 * returns the merges file and infer options attacking 40 of them in one thread, cached in `work`.
 */
export function naiveMergesProblem(work: string, seed = 1): { merges: string; base: InferOptions } {
  const categories = join(work, 'cats');
  const all = new Map<string, number>();
  for (const [k, name] of ['first', 'second'].entries()) {
    const lines: string[] = [];
    for (const [raw, count] of syntheticLanguage(k + seed, ALPHABETS[k], 2000, 150)) {
      const word = raw.trim();
      all.set(word, (all.get(word) ?? 0) + count);
      for (let c = 0; c < count; c++) lines.push(word);
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
  const base: InferOptions = {
    categories,
    merges: 40,
    pretokenizer: 'gpt2',
    allowUnconstrained: true,
    cacheDir: join(work, 'cache'),
    jobs: 1,
  };
  return { merges, base };
}
