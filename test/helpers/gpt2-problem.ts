// A small infer problem for CLI tests: gpt2's tokenizer.json written out, and two categories of
// synthetic words in different alphabets.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { toTokenizerJsonText } from '../../src/tokenizer/formats/hf-json.js';
import { ALPHABETS, syntheticLanguage } from '../solve/helpers.js';

export async function writeGpt2Problem(work: string): Promise<{ tokenizerPath: string; categories: string }> {
  const spec = await loadTokenizer('gpt2');
  const tokenizerPath = join(work, 'tokenizer.json');
  writeFileSync(tokenizerPath, toTokenizerJsonText(spec));
  const categories = join(work, 'cats');
  [ALPHABETS[0], ALPHABETS[4]].forEach((alphabet, i) => {
    const words: string[] = [];
    for (const [word, count] of syntheticLanguage(1 + i, alphabet, 3000, 200))
      for (let k = 0; k < count; k++) words.push(word.trim());
    mkdirSync(join(categories, `c${i}`), { recursive: true });
    writeFileSync(join(categories, `c${i}`, 'sample.txt'), words.join(' ') + '\n');
  });
  return { tokenizerPath, categories };
}
