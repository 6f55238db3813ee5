// The distribution-shift split (paper §6.1, --shift): each category's sequences cut in two halves
// by bytes, in file order — the training text is drawn from the first, the estimate made from the
// second. Halves are written once per category (JSON Lines, so multi-line records survive) and reused.
import { existsSync, statSync, createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import type { CategorySpec } from '../corpus/types.js';
import { readSequences } from '../corpus/read.js';
import { hashKey } from '../common/hash.js';
import { UserError } from '../common/errors.js';
import { tempName } from '../common/fs-checks.js';

export interface CategoryHalves {
  train: CategorySpec;
  estimate: CategorySpec;
}

async function writeLines(path: string, records: AsyncIterable<string> | Iterable<string>): Promise<void> {
  // Unique per host and process: several cluster jobs may split the same category at once.
  const temp = join(dirname(path), tempName(basename(path)));
  const out = createWriteStream(temp);
  for await (const text of records) {
    if (!out.write(`${JSON.stringify({ text })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(temp, path);
}

/** Splits a category into a training half and an estimation half (cached under `dir`). */
export async function splitCategory(category: CategorySpec, dir: string): Promise<CategoryHalves> {
  const identity = category.files.map((f) => {
    const s = statSync(f);
    return { f, size: s.size, mtime: s.mtimeMs };
  });
  const folder = join(dir, `${category.name.replace(/[^\w.-]/g, '_')}-${hashKey({ v: 1, identity })}`);
  const trainPath = join(folder, 'train.jsonl');
  const estimatePath = join(folder, 'estimate.jsonl');
  if (!existsSync(trainPath) || !existsSync(estimatePath)) {
    mkdirSync(folder, { recursive: true });
    const sequences: string[] = [];
    let total = 0;
    for await (const s of readSequences(category)) {
      sequences.push(s);
      total += Buffer.byteLength(s, 'utf8');
    }
    let cut = 0;
    for (
      let bytes = 0;
      cut < sequences.length && bytes + Buffer.byteLength(sequences[cut], 'utf8') <= total / 2;
      cut++
    ) {
      bytes += Buffer.byteLength(sequences[cut], 'utf8');
    }
    if (cut === 0 || cut === sequences.length) {
      throw new UserError(
        `${category.name}: too few sequences to split in two halves for --shift; give it more text or drop --shift`,
        category.name,
      );
    }
    await writeLines(trainPath, sequences.slice(0, cut));
    await writeLines(estimatePath, sequences.slice(cut));
  }
  return {
    train: { ...category, files: [trainPath] },
    estimate: { ...category, files: [estimatePath] },
  };
}
