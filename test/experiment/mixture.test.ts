// Controlled mixtures: each category gets its share of the bytes as whole sequences drawn with
// replacement, reproducibly under a seed; bad weights are UserErrors naming the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildMixture, parseWeights, validateWeights } from '../../src/experiment/mixture.js';
import type { CategorySpec } from '../../src/corpus/types.js';
import { UserError } from '../../src/common/errors.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('mixture');

function category(name: string, lines: string[]): CategorySpec {
  const path = join(dir, `${name}.txt`);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return { name, kind: 'other', files: [path] };
}

const en = category('en', ['the cat sat on the mat', 'a dog', 'hello world, hello again']);
const fr = category('fr', ['le chat', 'bonjour le monde', 'une phrase un peu plus longue que les autres']);
const de = category('de', ['der Hund']);

test('each category contributes its share of the bytes as whole sequences, reproducibly', async () => {
  const out = join(dir, 'mix.txt');
  const { bytes } = await buildMixture([en, fr, de], { en: 0.7, fr: 0.3 }, 20_000, 5, out);
  assert.equal(bytes.de, 0);
  assert.ok(bytes.en! >= 14_000 && bytes.en! < 14_000 + 30, `en got ${bytes.en}`);
  assert.ok(bytes.fr! >= 6_000 && bytes.fr! < 6_000 + 50, `fr got ${bytes.fr}`);
  const text = readFileSync(out, 'utf8');
  assert.equal(Buffer.byteLength(text), bytes.en! + bytes.fr!);
  const allowed = new Set([
    ...readFileSync(en.files[0], 'utf8').split('\n'),
    ...readFileSync(fr.files[0], 'utf8').split('\n'),
  ]);
  const lines = text.split('\n').slice(0, -1);
  assert.ok(lines.every((line) => allowed.has(line)));
  // Draws are random with replacement: every sequence of a category shows up, in varying order.
  assert.ok(lines.includes('a dog') && lines.includes('le chat'));
  const again = join(dir, 'mix-again.txt');
  await buildMixture([en, fr, de], { en: 0.7, fr: 0.3 }, 20_000, 5, again);
  assert.equal(readFileSync(again, 'utf8'), text);
  const other = join(dir, 'mix-other.txt');
  await buildMixture([en, fr, de], { en: 0.7, fr: 0.3 }, 20_000, 6, other);
  assert.notEqual(readFileSync(other, 'utf8'), text);
});

test('weights naming unknown categories, negative or not summing to 1 are UserErrors', async () => {
  assert.throws(
    () => validateWeights([en, fr], { en: 0.5, xx: 0.5 }),
    (e: unknown) => e instanceof UserError && /unknown category xx/.test(e.message),
  );
  assert.throws(
    () => validateWeights([en, fr], { en: 0.5, fr: 0.4 }),
    (e: unknown) => e instanceof UserError && /sum to 0.9/.test(e.message),
  );
  assert.throws(() => validateWeights([en, fr], { en: 1.5, fr: -0.5 }), UserError);
  assert.doesNotThrow(() => validateWeights([en, fr], { en: 0.3333333, fr: 0.6666667 }));
  const out = join(dir, 'never.txt');
  await assert.rejects(buildMixture([en, fr], { en: 0.2, fr: 0.2 }, 1000, 1, out), UserError);
  assert.equal(existsSync(out), false);
});

test('--weights parses name=share lists and rejects malformed ones', () => {
  assert.deepEqual(parseWeights('en=0.7, fr=0.3'), { en: 0.7, fr: 0.3 });
  assert.deepEqual(parseWeights('code/js=1'), { 'code/js': 1 });
  assert.throws(() => parseWeights('en:0.7'), UserError);
  assert.throws(() => parseWeights('en=abc'), UserError);
  assert.throws(() => parseWeights('en=0.5,en=0.5'), UserError);
});
