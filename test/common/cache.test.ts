// The shared cache detects truncated and corrupt entries and rebuilds them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Cache } from '../../src/common/cache.js';
import { hashKey } from '../../src/common/hash.js';
import { tempDir } from '../helpers/temp.js';

test('a cache entry round-trips, and a truncated or flipped one is rebuilt', async () => {
  const cache = new Cache(tempDir('cache'));
  let builds = 0;
  const build = () => {
    builds++;
    return Buffer.from('payload of some length');
  };
  assert.equal((await cache.getOrBuild('stage', { a: 1 }, build)).toString(), 'payload of some length');
  assert.equal((await cache.getOrBuild('stage', { a: 1 }, build)).toString(), 'payload of some length');
  assert.equal(builds, 1);

  const path = cache.pathOf('stage', { a: 1 });
  const whole = readFileSync(path);
  writeFileSync(path, whole.subarray(0, whole.length - 3));
  await cache.getOrBuild('stage', { a: 1 }, build);
  assert.equal(builds, 2, 'truncated entry must be rebuilt');

  const flipped = Buffer.from(readFileSync(path));
  flipped[flipped.length - 1] ^= 0xff;
  writeFileSync(path, flipped);
  await cache.getOrBuild('stage', { a: 1 }, build);
  assert.equal(builds, 3, 'corrupt entry must be rebuilt');
  assert.equal(cache.stats.rebuilt, 2);
});

test('cache keys ignore object key order but not values', () => {
  assert.equal(hashKey({ a: 1, b: [1, 2] }), hashKey({ b: [1, 2], a: 1 }));
  assert.notEqual(hashKey({ a: 1 }), hashKey({ a: 2 }));
  assert.notEqual(hashKey(new Float64Array([1, 2])), hashKey(new Float64Array([1, 3])));
});
