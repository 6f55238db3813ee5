// Training texts of known size for the training-size bench (issue 28): each category's sequences
// shuffled once and split into a held-out sample (for the rates) and a pool; a trial's mixture takes
// whole sequences from the pools WITHOUT replacement, so no text repeats inside a training file
// (repeats would change the count ties the size inference reads).
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { readSequences } from '../src/corpus/read.js';
import type { CategorySpec } from '../src/corpus/types.js';
import { createRng, type Rng } from '../src/common/random.js';

export interface SplitCategory {
  name: string;
  kind: CategorySpec['kind'];
  /** Held-out sample file (never in any training text). */
  heldOutFile: string;
  heldOutBytes: number;
  /** Pool sequences, shuffled once (split seed). */
  pool: string[];
  poolBytes: number;
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/**
 * Splits every category: a held-out share (`heldOutShare` of its bytes, at most `heldOutCap`)
 * written to `<dir>/held-out/<name>.txt`, the rest kept in memory as the pool.
 */
export async function splitCategories(
  categories: CategorySpec[],
  dir: string,
  heldOutShare = 0.2,
  heldOutCap = 1_500_000,
): Promise<SplitCategory[]> {
  mkdirSync(join(dir, 'held-out'), { recursive: true });
  const out: SplitCategory[] = [];
  for (const category of categories) {
    const sequences: string[] = [];
    for await (const s of readSequences(category)) sequences.push(s.endsWith('\n') ? s : `${s}\n`);
    shuffle(sequences, createRng(0x5eed));
    const total = sequences.reduce((a, s) => a + Buffer.byteLength(s), 0);
    const target = Math.min(total * heldOutShare, heldOutCap);
    let held = 0;
    let k = 0;
    while (k < sequences.length && held < target) held += Buffer.byteLength(sequences[k++]);
    const heldOutFile = join(dir, 'held-out', `${category.name}.txt`);
    if (!existsSync(heldOutFile)) writeFileSync(heldOutFile, sequences.slice(0, k).join(''));
    const pool = sequences.slice(k);
    out.push({
      name: category.name,
      kind: category.kind,
      heldOutFile,
      heldOutBytes: held,
      pool,
      poolBytes: total - held,
    });
  }
  return out;
}

/**
 * Mixture shares for a trial of `total` bytes: Dirichlet(1) over a random subset of the categories,
 * then capped so no category needs more than its pool (the excess goes to the others in
 * proportion). Undefined when the pools cannot hold `total` bytes.
 */
export function drawShares(
  split: SplitCategory[],
  total: number,
  seed: number,
): Record<string, number> | undefined {
  const capacity = split.reduce((a, c) => a + c.poolBytes, 0);
  if (total > 0.97 * capacity) return undefined;
  const rng = createRng(seed);
  const raw: number[] = split.map((): number => (rng.next() < 0.6 ? -Math.log(1 - rng.next()) : 0));
  if (!raw.some((x) => x > 0)) raw[rng.int(raw.length)] = 1;
  let shares = raw.map((x) => x / raw.reduce((a, b) => a + b, 0));
  const cap = split.map((c) => (0.97 * c.poolBytes) / total);
  for (let round = 0; round < 50; round++) {
    const over = shares.map((s, i) => Math.max(0, s - cap[i]));
    const excess = over.reduce((a, b) => a + b, 0);
    if (excess < 1e-12) break;
    shares = shares.map((s, i) => Math.min(s, cap[i]));
    // Spread the excess over categories with room, in proportion to their room (all of them,
    // so categories the draw left out take text when the pools are nearly used up).
    const room = shares.map((s, i) => Math.max(0, cap[i] - s));
    const roomTotal = room.reduce((a, b) => a + b, 0);
    shares = shares.map((s, i) => s + (excess * room[i]) / roomTotal);
  }
  const result: Record<string, number> = {};
  split.forEach((c, i) => {
    if (shares[i] > 0) result[c.name] = shares[i];
  });
  return result;
}

/** Writes a training file of whole pool sequences (seeded order, no repeats); returns bytes per category. */
export async function writeTrainingText(
  split: SplitCategory[],
  shares: Record<string, number>,
  total: number,
  seed: number,
  file: string,
): Promise<Record<string, number>> {
  const out = createWriteStream(file);
  const bytes: Record<string, number> = {};
  for (const category of split) {
    const target = (shares[category.name] ?? 0) * total;
    if (target <= 0) continue;
    const order = category.pool.map((_, i) => i);
    shuffle(order, createRng(seed ^ hashName(category.name)));
    let taken = 0;
    let buffer: string[] = [];
    for (const i of order) {
      if (taken >= target) break;
      buffer.push(category.pool[i]);
      taken += Buffer.byteLength(category.pool[i]);
      if (buffer.length >= 4096) {
        if (!out.write(buffer.join(''))) await once(out, 'drain');
        buffer = [];
      }
    }
    if (buffer.length > 0 && !out.write(buffer.join(''))) await once(out, 'drain');
    bytes[category.name] = taken;
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Reads a cached JSON file, or undefined. */
export function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}
