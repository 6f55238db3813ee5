// Categories from Hub datasets against the loopback emulator: a remote Parquet gives the counts of
// the local file; a second run makes no request; a cap reads a part of the file by ranges;
// .jsonl.zst streams; offline, gated, missing, cut and endless answers end in one line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tokmixAsync, assertUserError } from '../helpers/cli.js';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import zstd from '@bokuweb/zstd-wasm';
import { resolveCategories } from '../../src/corpus/resolve.js';
import { countCategories } from '../../src/count/count.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import type { TokenizerSpec } from '../../src/tokenizer/spec.js';
import type { WordCounts } from '../../src/corpus/types.js';
import { isUserError } from '../../src/common/errors.js';
import { HubEmulator } from '../helpers/hub-emulator.js';
import { tempDir, tempFolder } from '../helpers/temp.js';

const work = tempDir('hub-data');
const hub = new HubEmulator();
let parquet: Buffer;
let records: string[];
let spec: TokenizerSpec;
const saved = { ...process.env };

function rows(seed: number, n: number): string[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  return Array.from({ length: n }, () =>
    Array.from({ length: 40 }, () => (next() % 5000).toString(36) + (next() % 7 === 0 ? '.' : '')).join(' '),
  );
}

before(async () => {
  const texts = rows(1, 24000);
  parquet = Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'text', data: texts, type: 'STRING' },
        { name: 'id', data: texts.map((_, i) => i), type: 'INT32' },
      ],
      rowGroupSize: 2000,
    }),
  );
  writeFileSync(join(work, 'local.parquet'), parquet);
  await zstd.init();
  records = rows(2, 2000);
  const jsonl = records.map((text) => JSON.stringify({ content: text, id: 1 })).join('\n') + '\n';
  hub.addRepo({
    type: 'dataset',
    id: 'acme/web',
    files: {
      'README.md': '# web',
      'data/fra/train/000.parquet': parquet,
      'data/deu/train/000.jsonl.zst': Buffer.from(zstd.compress(Buffer.from(jsonl), 3)),
      'notes/a.txt': records.slice(0, 20).join('\n') + '\n',
    },
  });
  hub.addRepo({ type: 'dataset', id: 'acme/gated', files: { 'a.parquet': parquet }, token: 'hf_secret' });
  await hub.start();
  spec = await loadTokenizer('gpt2');
});

after(() => hub.stop());

function useHub(t: { after: (fn: () => void) => void }, env: Record<string, string> = {}): string {
  const cacheDir = tempFolder(t, 'hub-data-cache');
  Object.assign(process.env, {
    HF_ENDPOINT: hub.url,
    HF_HUB_CACHE: join(cacheDir, 'hf'),
    TOKMIX_HUB_MAX_WAIT: '5',
    ...env,
  });
  t.after(() => {
    for (const key of [
      'HF_ENDPOINT',
      'HF_HUB_CACHE',
      'HF_HUB_OFFLINE',
      'HF_TOKEN',
      'TOKMIX_HUB_MAX_WAIT',
      'TOKMIX_HUB_TIMEOUT',
    ]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  return cacheDir;
}

function asMap(counts: WordCounts): Map<string, number> {
  return new Map(counts.words.map((word, i) => [word, counts.counts[i]]));
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isUserError(error), `a UserError, got ${String((error as Error).stack)}`);
    assert.doesNotMatch((error as Error).message, /\n/);
    return (error as Error).message;
  }
  assert.fail('expected a refusal');
}

const REF = 'hf:datasets/acme/web/data/fra/train/000.parquet';

test('a category streamed from a remote Parquet counts as the local file; the second run makes no request', async (t) => {
  const cacheDir = useHub(t);
  const before = hub.requests.length;
  const [remote] = await resolveCategories(REF, { cacheDir, bytes: 1e9 });
  assert.ok(hub.requests.length > before);
  assert.ok(
    hub.requests.slice(before).some((r) => r.range !== undefined),
    'read by ranges',
  );
  const local = { name: 'local', kind: 'other' as const, files: [join(work, 'local.parquet')] };
  const [a, b] = await countCategories([remote, local], spec, { jobs: 1, bytes: 1e9 });
  assert.deepEqual(asMap(a), asMap(b));
  assert.equal(a.stats.bytes, b.stats.bytes);
  assert.equal(a.stats.sequences, 24000);
  assert.match(
    remote.notes!.join(' '),
    /hf:datasets\/acme\/web\/data\/fra\/train\/000\.parquet at commit [0-9a-f]{12}/,
  );

  const count = hub.requests.length;
  const [again] = await resolveCategories(REF, { cacheDir, bytes: 1e9 });
  assert.equal(hub.requests.length, count, 'no request');
  assert.deepEqual(again.files, remote.files);
  // Offline, the same answer from the cache.
  process.env.HF_HUB_OFFLINE = '1';
  assert.deepEqual((await resolveCategories(REF, { cacheDir, bytes: 1e9 }))[0].files, remote.files);
  assert.match(
    await refusal(resolveCategories(REF, { cacheDir, bytes: 5e8 })),
    /category "000.parquet"|category "web": hf:datasets\/acme\/web.* is not cached .* HF_HUB_OFFLINE is set; run `tokmix corpora fetch`/,
  );
});

test('a capped sample reads a part of the file by ranges; a larger cap reuses the ranges read', async (t) => {
  const cacheDir = useHub(t);
  const sent = hub.bytesSent;
  const [small] = await resolveCategories(REF, { cacheDir, bytes: 20_000 });
  const first = hub.bytesSent - sent;
  assert.ok(first < parquet.length / 2, `read ${first} of ${parquet.length} bytes`);
  const text = readFileSync(small.files[0], 'utf8').trim().split('\n');
  assert.ok(text.length >= 1 && text.length < 24000);
  const [whole] = await resolveCategories(REF, { cacheDir, bytes: 1e9 });
  const second = hub.bytesSent - sent - first;
  assert.ok(
    second <= parquet.length - first + 1,
    `the second read fetched ${second} bytes, ${first} were cached`,
  );
  assert.equal(readFileSync(whole.files[0], 'utf8').trim().split('\n').length, 24000);
});

test('a .jsonl.zst category streams its first records up to the cap, from a manifest with a column and a glob', async (t) => {
  const cacheDir = useHub(t);
  const manifest = join(tempFolder(t, 'manifest'), 'm.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      categories: [
        {
          name: 'deu',
          kind: 'language',
          language: 'de',
          hf: 'hf:datasets/acme/web/data/deu/**/*.jsonl.zst',
          column: 'content',
        },
        { name: 'fra', kind: 'language', hf: 'hf:datasets/acme/web@main/data/fra' },
      ],
    }),
  );
  const [deu, fra] = await resolveCategories(manifest, { cacheDir, bytes: 50_000 });
  assert.equal(deu.language, 'de');
  const texts = readFileSync(deu.files[0], 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { text: string }).text);
  assert.deepEqual(texts, records.slice(0, texts.length));
  assert.ok(texts.join('').length >= 50_000 - 400 && texts.length < records.length);
  assert.ok(fra.files[0].endsWith('sample.jsonl'));
});

test('offline, gated, missing, cut and endless answers', async (t) => {
  const cacheDir = useHub(t);
  assert.match(
    await refusal(resolveCategories('hf:datasets/acme/gated/a.parquet', { cacheDir })),
    /hf:datasets\/acme\/gated\/a\.parquet: access denied \(HTTP 401\).*accept its licence at .*datasets\/acme\/gated.*HF_TOKEN/,
  );
  process.env.HF_TOKEN = 'hf_secret';
  assert.equal(
    (await resolveCategories('hf:datasets/acme/gated/a.parquet', { cacheDir, bytes: 1000 })).length,
    1,
  );
  assert.match(
    await refusal(resolveCategories('hf:datasets/acme/none/x.parquet', { cacheDir })),
    /not found .*HTTP 404/,
  );
  assert.match(
    await refusal(resolveCategories('hf:datasets/acme/web/data/ita/*.parquet', { cacheDir })),
    /no readable files there/,
  );

  // A range answer cut halfway is asked again from where it stopped; an endless one is cut at the range.
  let cut = 0;
  hub.fault = (request, response, route) => {
    if (route.kind !== 'cdn' || cut >= 2 || !request.headers.range) return false;
    cut++;
    const [, from] = /bytes=(\d+)-/.exec(request.headers.range)!;
    const start = Number(from);
    const end = Math.min(parquet.length, start + (1 << 20)) - 1;
    response.writeHead(206, {
      'content-range': `bytes ${start}-${end}/${parquet.length}`,
      'content-length': String(end - start + 1),
    });
    if (cut === 1) {
      response.write(parquet.subarray(start, start + 100));
      setTimeout(() => response.destroy(), 10);
    } else {
      response.write(parquet.subarray(start, end + 1));
      response.write(Buffer.alloc(5000, 1)); // more than asked: ignored, never stored
      response.end();
    }
    return true;
  };
  try {
    const fresh = tempFolder(t, 'fresh');
    const [remote] = await resolveCategories(REF, { cacheDir: fresh, bytes: 1e9 });
    const local = { name: 'local', kind: 'other' as const, files: [join(work, 'local.parquet')] };
    const [a, b] = await countCategories([remote, local], spec, { jobs: 1, bytes: 1e9 });
    assert.deepEqual(asMap(a), asMap(b));
    assert.equal(cut, 2);
  } finally {
    hub.fault = undefined;
  }
  hub.fault = (request, response, route) => {
    if (route.kind !== 'cdn') return false;
    response.writeHead(200, {});
    response.write('x');
    return true; // stalls
  };
  try {
    process.env.TOKMIX_HUB_TIMEOUT = '1';
    const fresh = tempFolder(t, 'fresh2');
    assert.match(
      await refusal(resolveCategories(REF, { cacheDir: fresh })),
      /ignored a range request|no complete answer/,
    );
  } finally {
    hub.fault = undefined;
  }
});

test('tokmix corpora fetch writes a folder that counts offline', async (t) => {
  const dir = tempFolder(t, 'fetch-cli');
  const manifest = join(dir, 'm.json');
  writeFileSync(
    manifest,
    JSON.stringify([
      {
        name: 'deu',
        kind: 'language',
        hf: 'hf:datasets/acme/web/data/deu/train/000.jsonl.zst',
        column: 'content',
      },
      { name: 'fra', kind: 'language', language: 'fr', hf: 'hf:datasets/acme/web/data/fra' },
    ]),
  );
  const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(dir, 'hf'), TOKMIX_CACHE: join(dir, 'cache') };
  const run = await tokmixAsync(
    ['corpora', 'fetch', manifest, '--bytes', '30KB', '--out', join(dir, 'copy'), '--json'],
    { env },
  );
  assert.equal(run.status, 0, run.stderr);
  const written = JSON.parse(readFileSync(join(dir, 'copy', 'manifest.json'), 'utf8')) as {
    categories: { name: string; language?: string; files: string[] }[];
  };
  assert.deepEqual(
    written.categories.map((c) => [c.name, c.files]),
    [
      ['deu', ['deu']],
      ['fra', ['fra']],
    ],
  );
  assert.equal(written.categories[1].language, 'fr');
  const offline = { ...env, HF_HUB_OFFLINE: '1', HF_ENDPOINT: 'http://127.0.0.1:9' };
  const count = await tokmixAsync(
    ['count', 'gpt2', '--categories', join(dir, 'copy', 'manifest.json'), '--json'],
    { env: offline },
  );
  assert.equal(count.status, 0, count.stderr);
  // Again into the same folder: refused in one line, the folder kept.
  assertUserError(
    await tokmixAsync(['corpora', 'fetch', manifest, '--bytes', '30KB', '--out', join(dir, 'copy')], {
      env: offline,
    }),
    /copy: exists and is not empty/,
  );
  assertUserError(
    await tokmixAsync(['corpora', 'fetch', manifest, '--bytes', '60KB', '--out', join(dir, 'other')], {
      env: offline,
    }),
    /category "deu": hf:datasets\/acme\/web\/data\/deu\/train\/000\.jsonl\.zst is not cached .* HF_HUB_OFFLINE is set/,
  );
  assert.ok(!existsSync(join(dir, 'other')));
});

test('the paper set lists its Hub categories without network and refuses offline in one line', async (t) => {
  const dir = tempFolder(t, 'paper');
  const env = {
    HF_ENDPOINT: 'http://127.0.0.1:9',
    HF_HUB_CACHE: join(dir, 'hf'),
    TOKMIX_CACHE: join(dir, 'cache'),
  };
  const show = await tokmixAsync(['corpora', 'show', 'paper', '--json'], { env });
  assert.equal(show.status, 0, show.stderr);
  const { categories } = JSON.parse(show.stdout) as {
    categories: { name: string; kind: string; hub?: { reference: string } }[];
  };
  const kinds = new Map<string, number>();
  for (const c of categories) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(kinds), { language: 111, domain: 4, code: 37 });
  assert.ok(categories.every((c) => c.hub?.reference.startsWith('hf:datasets/')));
  assertUserError(
    await tokmixAsync(['count', 'gpt2', '--categories', 'paper'], { env: { ...env, HF_HUB_OFFLINE: '1' } }),
    /category "zh": hf:datasets\/HuggingFaceFW\/fineweb-2\/data\/cmn_Hani\/train\/\*\.parquet is not cached .*HF_HUB_OFFLINE is set/,
  );
  assertUserError(
    await tokmixAsync(['count', 'gpt2', '--categories', 'paper'], { env }),
    /hf:datasets\/HuggingFaceFW\/fineweb-2\/data\/cmn_Hani\/train\/\*\.parquet|cannot reach the Hub at http:\/\/127\.0\.0\.1:9/,
  );
});

test('a --shard or --only job fetches only its own Hub categories (one per Slurm array task)', async (t) => {
  const dir = tempFolder(t, 'shard');
  const manifest = join(dir, 'm.json');
  writeFileSync(
    manifest,
    JSON.stringify([
      { name: 'fra', hf: 'hf:datasets/acme/web/data/fra/train/000.parquet' },
      { name: 'deu', hf: 'hf:datasets/acme/web/data/deu/train/000.jsonl.zst', column: 'content' },
    ]),
  );
  const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(dir, 'hf'), TOKMIX_CACHE: join(dir, 'cache') };
  const before = hub.requests.length;
  const run = await tokmixAsync(
    ['count', 'gpt2', '--categories', manifest, '--shard', '2/2', '--bytes', '20KB', '--json'],
    { env },
  );
  assert.equal(run.status, 0, run.stderr);
  const urls = hub.requests.slice(before).map((r) => r.url);
  assert.ok(
    urls.some((u) => u.includes('deu')),
    'its own category fetched',
  );
  assert.ok(!urls.some((u) => u.includes('fra')), `no other category fetched: ${urls.join(' ')}`);
  // The final job (all categories, same cap) then fetches only the other one.
  const next = hub.requests.length;
  const all = await tokmixAsync(['count', 'gpt2', '--categories', manifest, '--bytes', '20KB', '--json'], {
    env,
  });
  assert.equal(all.status, 0, all.stderr);
  assert.ok(!hub.requests.slice(next).some((r) => r.url.includes('deu')), "the shard's sample is reused");
});

test("a file read whole that does not hash to the Hub's etag is fetched once more, then refused", async (t) => {
  const cacheDir = useHub(t);
  const corrupt = (times: number) => {
    let served = 0;
    hub.fault = (request, response, route) => {
      if (
        route.kind !== 'resolve' ||
        route.path !== 'notes/a.txt' ||
        !request.headers.range ||
        served >= times
      )
        return false;
      served++;
      const content = Buffer.from(hub.file('dataset', 'acme/web', 'notes/a.txt'));
      content[10] = content[10] === 0x61 ? 0x62 : 0x61; // one letter changed: still text
      response.writeHead(206, {
        'content-range': `bytes 0-${content.length - 1}/${content.length}`,
        'content-length': String(content.length),
      });
      response.end(content);
      return true;
    };
  };
  try {
    corrupt(1);
    const [ok] = await resolveCategories('hf:datasets/acme/web/notes/a.txt', { cacheDir, bytes: 1e6 });
    const texts = readFileSync(ok.files[0], 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { text: string }).text);
    assert.equal(texts.join(''), hub.file('dataset', 'acme/web', 'notes/a.txt').toString('utf8'));
    const fresh = tempFolder(t, 'fresh-corrupt');
    corrupt(2);
    assert.match(
      await refusal(resolveCategories('hf:datasets/acme/web/notes/a.txt', { cacheDir: fresh, bytes: 1e6 })),
      /notes\/a\.txt arrived twice with a hash other than the Hub's; nothing was kept/,
    );
    assert.ok(
      !existsSync(join(fresh, 'hub-samples')) ||
        readdirSync(join(fresh, 'hub-samples')).every(
          (d) => !existsSync(join(fresh, 'hub-samples', d, 'index.json')),
        ),
    );
  } finally {
    hub.fault = undefined;
  }
});
