// A controlled training mixture (paper §4): each category contributes share × B bytes of whole
// sequences drawn at random with replacement under a seed, written as one .txt training file.
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { once } from 'node:events';
import type { CategorySpec } from '../corpus/types.js';
import { readSequences } from '../corpus/read.js';
import { UserError } from '../common/errors.js';
import type { ProgressCallback } from '../common/progress.js';
import { createRng } from '../common/random.js';

export interface MixtureOptions {
  textField?: string;
  textColumn?: string;
  onProgress?: ProgressCallback;
}

/** Checks mixture weights against the categories: known names, none negative, summing to 1 (±1e-6). */
export function validateWeights(categories: CategorySpec[], weights: Record<string, number>): void {
  const names = new Set(categories.map((c) => c.name));
  const unknown = Object.keys(weights).filter((name) => !names.has(name));
  if (unknown.length > 0) {
    throw new UserError(
      `--weights: unknown categor${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')}; the categories are ${[...names].join(', ')}`,
    );
  }
  for (const [name, share] of Object.entries(weights)) {
    if (!Number.isFinite(share) || share < 0) {
      throw new UserError(`--weights: ${name}=${share} is not a share; give numbers from 0 to 1`);
    }
  }
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) {
    throw new UserError(`--weights: the shares sum to ${sum}, not 1; adjust them to sum to 1`);
  }
}

/** Parses `name=share,name=share` (the --weights flag). */
export function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.lastIndexOf('=');
    const share = eq > 0 ? Number(item.slice(eq + 1)) : NaN;
    if (eq <= 0 || item.slice(eq + 1).trim() === '' || Number.isNaN(share)) {
      throw new UserError(`--weights: "${item}" is not name=share; write e.g. --weights en=0.7,fr=0.3`);
    }
    const name = item.slice(0, eq).trim();
    if (name in weights) throw new UserError(`--weights: ${name} is given twice; name each category once`);
    weights[name] = share;
  }
  return weights;
}

/**
 * Writes the mixture to `outFile` (atomically) and returns the bytes each category really
 * contributed (UTF-8, newlines included; the last draw may overshoot share × B by one sequence).
 * Categories absent from `weights` contribute nothing.
 */
export async function buildMixture(
  categories: CategorySpec[],
  weights: Record<string, number>,
  totalBytes: number,
  seed: number,
  outFile: string,
  options: MixtureOptions = {},
): Promise<{ bytes: Record<string, number> }> {
  validateWeights(categories, weights);
  if (!Number.isFinite(totalBytes) || totalBytes <= 0) {
    throw new UserError(`--total-bytes ${totalBytes}: give a positive size, e.g. 50MB`);
  }
  const rng = createRng(seed);
  const bytes: Record<string, number> = {};
  mkdirSync(dirname(outFile), { recursive: true });
  const temp = join(dirname(outFile), `.${basename(outFile)}.${process.pid}.tmp`);
  const out = createWriteStream(temp);
  let written = 0;
  try {
    for (const category of categories) {
      const share = weights[category.name] ?? 0;
      bytes[category.name] = 0;
      if (share === 0) continue;
      const sequences: string[] = [];
      const sizes: number[] = [];
      for await (const sequence of readSequences(category, {
        textField: options.textField,
        textColumn: options.textColumn,
      })) {
        const line = sequence.endsWith('\n') ? sequence : `${sequence}\n`;
        sequences.push(line);
        sizes.push(Buffer.byteLength(line));
      }
      if (sequences.length === 0) {
        throw new UserError(
          `${category.name}: the category has no text to draw from; check its files`,
          category.name,
        );
      }
      const target = share * totalBytes;
      let taken = 0;
      let buffer: string[] = [];
      let buffered = 0;
      while (taken < target) {
        const k = rng.int(sequences.length);
        buffer.push(sequences[k]);
        taken += sizes[k];
        buffered += sizes[k];
        if (buffered > 1 << 20) {
          if (!out.write(buffer.join(''))) await once(out, 'drain');
          buffer = [];
          buffered = 0;
          options.onProgress?.({
            stage: 'mixture',
            done: written + taken,
            total: totalBytes,
            unit: 'bytes',
            detail: category.name,
          });
        }
      }
      if (buffer.length > 0 && !out.write(buffer.join(''))) await once(out, 'drain');
      bytes[category.name] = taken;
      written += taken;
    }
    out.end();
    await once(out, 'finish');
    renameSync(temp, outFile);
  } catch (error) {
    out.destroy();
    rmSync(temp, { force: true });
    throw error;
  }
  return { bytes };
}
