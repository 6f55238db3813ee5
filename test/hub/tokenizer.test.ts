// Tokenizers by Hub name against the loopback Hub emulator: the same spec and the same infer
// result as the file by path; huggingface_hub's cache layout (reused both ways, offline); gated
// repos, 404, 429, truncated and corrupt downloads and endless bodies, each one line, nothing
// half-downloaded kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { toTokenizerJsonText } from '../../src/tokenizer/formats/hf-json.js';
import { toMergesTxt } from '../../src/tokenizer/export.js';
import { fetchTokenizer } from '../../src/hub/tokenizer-files.js';
import { createHubClient } from '../../src/hub/client.js';
import { hubSettings } from '../../src/hub/settings.js';
import { isUserError } from '../../src/common/errors.js';
import { HubEmulator } from '../helpers/hub-emulator.js';
import { tokmixAsync, assertUserError } from '../helpers/cli.js';
import { tempDir, tempFolder } from '../helpers/temp.js';
import { ALPHABETS, syntheticLanguage } from '../solve/helpers.js';

const work = tempDir('hub-tok');
const hub = new HubEmulator();
let tokenizerJson = '';
let commit = '';

before(async () => {
  const spec = await loadTokenizer('gpt2');
  tokenizerJson = toTokenizerJsonText({ ...spec, mergeList: spec.mergeList.slice(0, 3000) });
  writeFileSync(join(work, 'tokenizer.json'), tokenizerJson);
  const vocab: Record<string, number> = {};
  commit = hub.addRepo({
    type: 'model',
    id: 'acme/tok',
    files: { 'tokenizer.json': tokenizerJson, 'README.md': 'hi' },
    branches: ['v1'],
  });
  const merges = toMergesTxt({ ...spec, mergeList: spec.mergeList.slice(0, 3000) });
  hub.addRepo({
    type: 'model',
    id: 'acme/bpe',
    files: { 'merges.txt': merges, 'vocab.json': JSON.stringify(vocab) },
  });
  hub.addRepo({
    type: 'model',
    id: 'acme/gated',
    files: { 'tokenizer.json': tokenizerJson },
    token: 'hf_secret',
  });
  await hub.start();
});

after(() => hub.stop());

function client(t: { after: (fn: () => void) => void }, env: Record<string, string> = {}) {
  const cache = tempFolder(t, 'hf-cache');
  return createHubClient(
    hubSettings({ HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache, TOKMIX_HUB_MAX_WAIT: '5', ...env }),
  );
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isUserError(error), `a UserError, got ${String(error)}`);
    assert.doesNotMatch((error as Error).message, /\n/);
    return (error as Error).message;
  }
  assert.fail('expected a refusal');
}

/** Every blob a reader would trust (no .incomplete suffix) is whole: its sha256 is its name. */
function assertNothingHalf(cacheDir: string): void {
  for (const repo of readdirSync(cacheDir)) {
    const blobs = join(cacheDir, repo, 'blobs');
    if (!existsSync(blobs)) continue;
    for (const name of readdirSync(blobs)) {
      if (name.includes('.incomplete')) continue;
      assert.equal(
        createHash('sha256')
          .update(readFileSync(join(blobs, name)))
          .digest('hex'),
        name,
        `${repo}/blobs/${name}`,
      );
    }
  }
}

test("a tokenizer by name is the file by path, cached in huggingface_hub's layout", async (t) => {
  const c = client(t);
  const fetched = await fetchTokenizer('hf:acme/tok', { client: c });
  assert.deepEqual(fetched.hub, { repo: 'acme/tok', revision: 'main', commit });
  const repoDir = join(c.settings.cacheDir, 'models--acme--tok');
  assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), commit);
  const pointer = join(repoDir, 'snapshots', commit, 'tokenizer.json');
  assert.equal(fetched.path, pointer);
  const sha256 = createHash('sha256').update(tokenizerJson).digest('hex');
  assert.equal(readlinkSync(pointer), join('..', '..', 'blobs', sha256)); // LFS: named by its sha256
  assert.equal(readFileSync(pointer, 'utf8'), tokenizerJson);

  // The loader: same spec as the file by path, with the Hub origin recorded.
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HUB_CACHE = c.settings.cacheDir;
  try {
    const byName = await loadTokenizer('hf:acme/tok@v1');
    const byPath = await loadTokenizer(join(work, 'tokenizer.json'));
    assert.deepEqual(byName.mergeList, byPath.mergeList);
    assert.deepEqual(
      [byName.normalizer, byName.preTokenizer, byName.alphabet],
      [byPath.normalizer, byPath.preTokenizer, byPath.alphabet],
    );
    assert.deepEqual(byName.hub, { repo: 'acme/tok', revision: 'v1', commit });
    assert.equal(byName.source, 'hf:acme/tok@v1');
  } finally {
    delete process.env.HF_ENDPOINT;
    delete process.env.HF_HUB_CACHE;
  }
  assert.equal(readFileSync(join(repoDir, 'refs', 'v1'), 'utf8'), commit);

  // Again: metadata only, no body fetched.
  const before = hub.requests.length;
  await fetchTokenizer('hf:acme/tok', { client: c });
  assert.ok(
    hub.requests.slice(before).every((r) => r.method === 'HEAD' || r.url.startsWith('/api/')),
    'no download',
  );

  // Offline: the cache alone, no request at all.
  const offline = createHubClient({ ...c.settings, offline: true });
  const count = hub.requests.length;
  const cached = await fetchTokenizer('hf:acme/tok', { client: offline });
  assert.equal(cached.path, pointer);
  assert.equal(hub.requests.length, count);
  assertNothingHalf(c.settings.cacheDir);
});

test('a file huggingface_hub downloaded is reused: no body fetched', async (t) => {
  const c = client(t);
  const repoDir = join(c.settings.cacheDir, 'models--acme--tok');
  const sha256 = createHash('sha256').update(tokenizerJson).digest('hex');
  // As Python lays it out after hf_hub_download('acme/tok', 'tokenizer.json').
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(join(repoDir, 'snapshots', commit), { recursive: true });
  mkdirSync(join(repoDir, 'refs'), { recursive: true });
  writeFileSync(join(repoDir, 'blobs', sha256), tokenizerJson);
  symlinkSync(join('..', '..', 'blobs', sha256), join(repoDir, 'snapshots', commit, 'tokenizer.json'));
  writeFileSync(join(repoDir, 'refs', 'main'), commit);
  const before = hub.requests.length;
  const fetched = await fetchTokenizer('hf:acme/tok', { client: c });
  assert.equal(readFileSync(fetched.path, 'utf8'), tokenizerJson);
  assert.equal(hub.requests.slice(before).filter((r) => r.url.startsWith('/cdn/')).length, 0);
});

test('merges.txt comes with its vocab.json from one commit', async (t) => {
  const c = client(t);
  const fetched = await fetchTokenizer('hf:acme/bpe', { client: c });
  assert.match(fetched.path, /merges\.txt$/);
  assert.ok(existsSync(join(fetched.path, '..', 'vocab.json')));
});

test('gated, missing and offline-missing repos are one line naming the repo and the fix', async (t) => {
  const c = client(t);
  assert.match(
    await refusal(fetchTokenizer('hf:acme/gated', { client: c })),
    /hf:acme\/gated: access denied \(HTTP 401\).*accept its licence at http.*acme\/gated.*set HF_TOKEN/,
  );
  const wrong = createHubClient({ ...c.settings, token: 'hf_other' });
  assert.match(
    await refusal(fetchTokenizer('hf:acme/gated', { client: wrong })),
    /HTTP 403.*HF_TOKEN is set/,
  );
  const right = createHubClient({ ...c.settings, token: 'hf_secret' });
  assert.equal(
    readFileSync((await fetchTokenizer('hf:acme/gated', { client: right })).path, 'utf8'),
    tokenizerJson,
  );
  assert.match(
    await refusal(fetchTokenizer('hf:acme/nothing', { client: c })),
    /hf:acme\/nothing: not found .*HTTP 404/,
  );
  assert.match(
    await refusal(fetchTokenizer('hf:acme/tok@v9', { client: c })),
    /hf:acme\/tok@v9: not found .*HTTP 404.*revision/,
  );
  const offline = createHubClient({ ...c.settings, offline: true });
  assert.match(
    await refusal(fetchTokenizer('hf:acme/bpe', { client: offline })),
    /hf:acme\/bpe: not in the Hugging Face cache .* HF_HUB_OFFLINE is set/,
  );
  const unreachable = createHubClient(
    hubSettings({ HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_CACHE: c.settings.cacheDir }),
  );
  assert.match(
    await refusal(fetchTokenizer('hf:acme/bpe', { client: unreachable })),
    /not in the Hugging Face cache .* the Hub is unreachable/,
  );
  assertNothingHalf(c.settings.cacheDir);
});

test('429 waits as Retry-After says, within the bound', async (t) => {
  const c = client(t);
  let limited = 0;
  hub.fault = (request, response, route) => {
    if (route.kind !== 'tree' || limited >= 1) return false;
    limited++;
    response.writeHead(429, { 'retry-after': '1' });
    response.end();
    return true;
  };
  try {
    await fetchTokenizer('hf:acme/tok', { client: c });
    assert.equal(c.stats.retries, 1);
    hub.fault = (request, response, route) => {
      if (route.kind !== 'tree') return false;
      response.writeHead(429, { 'retry-after': '3600' });
      response.end();
      return true;
    };
    assert.match(
      await refusal(fetchTokenizer('hf:acme/tok', { client: c })),
      /rate limited \(HTTP 429\).*wait 3600 s.*TOKMIX_HUB_MAX_WAIT=5/,
    );
  } finally {
    hub.fault = undefined;
  }
});

test('a truncated download resumes; a wrong checksum is refetched once, then refused', async (t) => {
  const c = client(t);
  const content = Buffer.from(tokenizerJson);
  let cut = 0;
  hub.fault = (request, response, route) => {
    if (route.kind !== 'cdn' || request.headers.range || cut > 0) return false;
    cut++;
    response.writeHead(200, { 'content-length': String(content.length) });
    response.write(content.subarray(0, 5000));
    setTimeout(() => response.destroy(), 20);
    return true;
  };
  try {
    const fetched = await fetchTokenizer('hf:acme/tok', { client: c });
    assert.equal(readFileSync(fetched.path, 'utf8'), tokenizerJson);
    const cdn = hub.requestsTo(/^\/cdn\//);
    assert.equal(cdn.at(-1)?.range, 'bytes=5000-', 'resumed where it stopped');
  } finally {
    hub.fault = undefined;
  }

  const corrupt = (times: number) => {
    let served = 0;
    hub.fault = (request, response, route) => {
      if (route.kind !== 'cdn' || served >= times) return false;
      served++;
      const bad = Buffer.from(content);
      bad[100] ^= 1;
      response.writeHead(200, { 'content-length': String(bad.length) });
      response.end(bad);
      return true;
    };
  };
  try {
    const c2 = client(t);
    corrupt(1);
    assert.equal(
      readFileSync((await fetchTokenizer('hf:acme/tok', { client: c2 })).path, 'utf8'),
      tokenizerJson,
    );
    const c3 = client(t);
    corrupt(2);
    assert.match(
      await refusal(fetchTokenizer('hf:acme/tok', { client: c3 })),
      /arrived twice with a sha256 other than the Hub's [0-9a-f]{64}; nothing was kept/,
    );
    assertNothingHalf(c3.settings.cacheDir);
    assert.ok(!existsSync(join(c3.settings.cacheDir, 'models--acme--tok', 'snapshots')));
  } finally {
    hub.fault = undefined;
  }
});

test('an endless body is cut at the file size and a stalled one at the time limit', async (t) => {
  const c = client(t, { TOKMIX_HUB_TIMEOUT: '1' });
  const timers: NodeJS.Timeout[] = [];
  hub.fault = (request, response, route) => {
    if (route.kind !== 'cdn') return false;
    response.writeHead(200, {}); // chunked, no length
    timers.push(setInterval(() => response.write(Buffer.alloc(64 << 10, 97)), 5));
    return true;
  };
  try {
    assert.match(
      await refusal(fetchTokenizer('hf:acme/tok', { client: c })),
      /sent more than the file's \d+ bytes; refused/,
    );
    hub.fault = (request, response, route) => {
      if (route.kind !== 'cdn') return false;
      response.writeHead(200, {});
      response.write('{');
      return true; // and never another byte
    };
    assert.match(
      await refusal(fetchTokenizer('hf:acme/tok', { client: createHubClient({ ...c.settings }) })),
      /no complete answer .* within 1 s/,
    );
    assertNothingHalf(c.settings.cacheDir);
    assert.ok(!existsSync(join(c.settings.cacheDir, 'models--acme--tok', 'snapshots')));
  } finally {
    hub.fault = undefined;
    for (const timer of timers) clearInterval(timer);
  }
});

test('tokmix infer hf:org/name equals infer on the file, records the commit; refusals are one line, exit 2', async (t) => {
  const dir = tempFolder(t, 'hub-infer');
  const cats = join(dir, 'cats');
  ALPHABETS.slice(0, 2).forEach((alphabet, i) => {
    const lines: string[] = [];
    for (const [word, count] of syntheticLanguage(i + 1, alphabet, 2000, 200))
      for (let k = 0; k < count; k++) lines.push(word.trim());
    mkdirSync(join(cats, `c${i}`), { recursive: true });
    writeFileSync(join(cats, `c${i}`, 'a.txt'), lines.join(' ').replace(/(( \S+){12})/g, '$1\n'));
  });
  const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(dir, 'hf'), TOKMIX_HUB_MAX_WAIT: '5' };
  const args = (tok: string, out: string) => [
    'infer',
    tok,
    '--categories',
    cats,
    '--merges',
    '100',
    '--allow-unconstrained',
    '--cache-dir',
    join(dir, 'cache'),
    '--out',
    join(dir, out),
    '--json',
  ];
  const [byName, byPath] = await Promise.all([
    tokmixAsync(args('hf:acme/tok', 'a'), { env }),
    tokmixAsync(args(join(work, 'tokenizer.json'), 'b'), { env }),
  ]);
  assert.equal(byName.status, 0, byName.stderr);
  assert.equal(byPath.status, 0, byPath.stderr);
  const a = JSON.parse(byName.stdout);
  const b = JSON.parse(byPath.stdout);
  assert.deepEqual(a.tokenizer.hub, { repo: 'acme/tok', revision: 'main', commit });
  assert.deepEqual(
    a.categories.map((x: { byteShare: number; pairs: number }) => [x.byteShare, x.pairs]),
    b.categories.map((x: { byteShare: number; pairs: number }) => [x.byteShare, x.pairs]),
  );
  assertUserError(
    await tokmixAsync(args('hf:acme/gated', 'c'), { env }),
    /^tokmix: hf:acme\/gated: access denied .*HF_TOKEN/,
  );
  assertUserError(
    await tokmixAsync(args('hf:acme/missing', 'c'), { env: { ...env, HF_HUB_OFFLINE: '1' } }),
    /hf:acme\/missing: not in the Hugging Face cache/,
  );
  assert.ok(!existsSync(join(dir, 'c')));
});

test("a part left by an earlier run (huggingface_hub's <etag>.incomplete) resumes once stale; a fresh one is another writer's", async (t) => {
  const c = client(t);
  const sha256 = createHash('sha256').update(tokenizerJson).digest('hex');
  const blobs = join(c.settings.cacheDir, 'models--acme--tok', 'blobs');
  mkdirSync(blobs, { recursive: true });
  const part = join(blobs, `${sha256}.incomplete`);
  writeFileSync(part, Buffer.from(tokenizerJson).subarray(0, 7000));
  utimesSync(part, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
  const before = hub.requests.length;
  assert.equal(
    readFileSync((await fetchTokenizer('hf:acme/tok', { client: c })).path, 'utf8'),
    tokenizerJson,
  );
  assert.deepEqual(
    hub.requests
      .slice(before)
      .filter((r) => r.url.startsWith('/cdn/'))
      .map((r) => r.range),
    ['bytes=7000-'],
  );
  // A part written a moment ago belongs to a download still running: left alone, never appended to.
  const c2 = client(t);
  const blobs2 = join(c2.settings.cacheDir, 'models--acme--tok', 'blobs');
  mkdirSync(blobs2, { recursive: true });
  writeFileSync(join(blobs2, `${sha256}.incomplete`), 'partial');
  await fetchTokenizer('hf:acme/tok', { client: c2 });
  assert.equal(readFileSync(join(blobs2, `${sha256}.incomplete`), 'utf8'), 'partial');
});
