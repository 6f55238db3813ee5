// Hub references as typed (`hf:org/name[@rev][/path]`, `hf:datasets/…`), the environment as
// huggingface_hub reads it, Retry-After, and dataset path globs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHubReference, parseHubReference } from '../../src/hub/reference.js';
import { hubSettings } from '../../src/hub/settings.js';
import { retryAfterSeconds } from '../../src/hub/http.js';
import { globRegExp } from '../../src/hub/dataset-files.js';

test('references: repo, revision (URL-encoded when it holds /) and path; bad ones refused by name', () => {
  assert.deepEqual(parseHubReference('hf:acme/tok', 'model'), {
    type: 'model',
    repo: 'acme/tok',
    revision: 'main',
    path: '',
  });
  assert.deepEqual(parseHubReference('hf:gpt2@v1/sub/tokenizer.json', 'model'), {
    type: 'model',
    repo: 'gpt2',
    revision: 'v1',
    path: 'sub/tokenizer.json',
  });
  const ref = parseHubReference(
    'hf:datasets/HuggingFaceFW/fineweb-2@refs%2Fconvert%2Fparquet/data/fra_Latn/train/*.parquet',
    'dataset',
  );
  assert.deepEqual(ref, {
    type: 'dataset',
    repo: 'HuggingFaceFW/fineweb-2',
    revision: 'refs/convert/parquet',
    path: 'data/fra_Latn/train/*.parquet',
  });
  assert.equal(
    formatHubReference(ref),
    'hf:datasets/HuggingFaceFW/fineweb-2@refs%2Fconvert%2Fparquet/data/fra_Latn/train/*.parquet',
  );
  assert.equal(parseHubReference('hf://acme/tok', 'model').repo, 'acme/tok');
  for (const [bad, why] of [
    ['hf:datasets/acme/web', /a dataset, not a model repo/],
    ['hf:acme/../etc', /a path with \. or \.\.|not a valid repo name/],
    ['hf:acme/tok@', /an empty or invalid revision/],
    ['hf:acme/t k', /not a valid repo name/],
    ['hf:acme/tok/../../x', /a path with \. or \.\./],
  ] as const) {
    assert.throws(
      () => parseHubReference(bad, 'model'),
      (error: Error) => error.name === 'UserError' && why.test(error.message),
      bad,
    );
  }
  assert.throws(() => parseHubReference('hf:acme/tok', 'dataset'), /not a dataset/);
});

test('settings: HF_ENDPOINT, HF_TOKEN, HF_HOME / HF_HUB_CACHE, HF_HUB_OFFLINE and the bounds', () => {
  const s = hubSettings({
    HF_ENDPOINT: 'http://127.0.0.1:8/',
    HF_TOKEN: ' hf_x ',
    HF_HOME: '/h',
    HF_HUB_OFFLINE: 'TRUE',
  });
  assert.deepEqual(
    [s.endpoint, s.token, s.cacheDir, s.offline],
    ['http://127.0.0.1:8', 'hf_x', '/h/hub', true],
  );
  assert.equal(
    hubSettings({ HF_HOME: '/h', HF_HUB_CACHE: '/c', HF_TOKEN_PATH: '/nonexistent' }).cacheDir,
    '/c',
  );
  assert.equal(hubSettings({ HF_HOME: '/h', HF_TOKEN_PATH: '/nonexistent' }).token, undefined);
  assert.equal(hubSettings({ HF_HUB_OFFLINE: '0', HF_TOKEN_PATH: '/nonexistent' }).offline, false);
  assert.throws(() => hubSettings({ HF_ENDPOINT: 'ftp://x' }), /HF_ENDPOINT=ftp:\/\/x: not an http\(s\) URL/);
  assert.throws(
    () => hubSettings({ TOKMIX_HUB_MAX_WAIT: '-1' }),
    /TOKMIX_HUB_MAX_WAIT=-1: expected a positive number/,
  );
});

test('Retry-After: seconds or an HTTP date; absent or garbage is undefined', () => {
  assert.equal(retryAfterSeconds('7'), 7);
  assert.equal(retryAfterSeconds(new Date(61_000).toUTCString(), 1_000), 60);
  assert.equal(retryAfterSeconds(null), undefined);
  assert.equal(retryAfterSeconds('soon'), undefined);
});

test('dataset globs: * within a segment, ** across, {a,b}, ?', () => {
  assert.ok(globRegExp('data/*/train/*.parquet').test('data/fra_Latn/train/000_00000.parquet'));
  assert.ok(!globRegExp('data/*/train/*.parquet').test('data/fra_Latn/x/train/000.parquet'));
  assert.ok(globRegExp('data/**/*.jsonl.zst').test('data/deu/train/000.jsonl.zst'));
  assert.ok(globRegExp('data/**/*.jsonl.zst').test('data/000.jsonl.zst'));
  assert.ok(globRegExp('cc_{2019,2020}-??_sample.jsonl').test('cc_2020-05_sample.jsonl'));
  assert.ok(!globRegExp('cc_{2019,2020}-??_sample.jsonl').test('cc_2021-04_sample.jsonl'));
});
