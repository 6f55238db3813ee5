// Why tokmix downloads Hub files itself: @huggingface/hub's downloadFileToCacheDir against the
// loopback Hub emulator, in the three cases tokmix handles (test/hub/tokenizer.test.ts): what it
// prints on stdout, whether it accepts a corrupt body, and whether a cut download resumes.
// Reference: tokmix's downloadToCache on the same server, same run.
// Usage: node dist/bench/hub-client.js; prints one JSON line per client.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { downloadFileToCacheDir } from '@huggingface/hub';
import { HubEmulator } from '../test/helpers/hub-emulator.js';
import { createHubClient } from '../src/hub/client.js';
import { hubSettings } from '../src/hub/settings.js';
import { downloadToCache, fileMetadata } from '../src/hub/files.js';

const dir = mkdtempSync(join(tmpdir(), 'tokmix-bench-client-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const content = Buffer.from(JSON.stringify({ filler: 'x'.repeat(2_000_000) }));
const sha256 = createHash('sha256').update(content).digest('hex');
const hub = new HubEmulator();
hub.addRepo({ type: 'model', id: 'acme/tok', files: { 'tokenizer.json': content } });
await hub.start();

type Mode = 'corrupt' | 'cut';
function breakOnce(mode: Mode): void {
  let done = false;
  hub.fault = (request, response, route) => {
    if (route.kind !== 'cdn' || done || request.headers.range) return false; // the body, not a probe
    done = true;
    response.writeHead(200, { 'content-length': String(content.length) });
    if (mode === 'corrupt') {
      const bad = Buffer.from(content);
      bad[1000] ^= 1;
      response.end(bad);
    } else {
      response.write(content.subarray(0, content.length / 2));
      setTimeout(() => response.destroy(), 20);
    }
    return true;
  };
}

async function official(mode: Mode, cacheDir: string): Promise<string> {
  const stdout: string[] = [];
  const debug = console.debug;
  console.debug = (...args: unknown[]) => stdout.push(args.join(' ')); // what would reach stdout
  try {
    breakOnce(mode);
    const path = await downloadFileToCacheDir({
      repo: 'acme/tok',
      path: 'tokenizer.json',
      hubUrl: hub.url,
      cacheDir,
    });
    const ok = createHash('sha256').update(readFileSync(path)).digest('hex') === sha256;
    return `returned a file, ${ok ? 'intact' : 'CORRUPT (kept in blobs/)'}; stdout: ${JSON.stringify(stdout)}`;
  } catch (error) {
    const sentBefore = hub.bytesSent;
    hub.fault = undefined;
    await downloadFileToCacheDir({ repo: 'acme/tok', path: 'tokenizer.json', hubUrl: hub.url, cacheDir });
    return `threw (${(error as Error).message.slice(0, 60)}); retry fetched ${hub.bytesSent - sentBefore} of ${content.length} bytes; stdout: ${JSON.stringify(stdout)}`;
  } finally {
    console.debug = debug;
    hub.fault = undefined;
  }
}

async function ours(mode: Mode, cacheDir: string): Promise<string> {
  const client = createHubClient(hubSettings({ HF_ENDPOINT: hub.url, HF_HUB_CACHE: cacheDir }));
  breakOnce(mode);
  const sentBefore = hub.bytesSent;
  const file = await fileMetadata(client, 'model', 'acme/tok', 'main', 'tokenizer.json', 'hf:acme/tok');
  const path = await downloadToCache(client, file, 'hf:acme/tok');
  const ok = createHash('sha256').update(readFileSync(path)).digest('hex') === sha256;
  return `returned a file, ${ok ? 'intact' : 'CORRUPT'}; fetched ${hub.bytesSent - sentBefore} bytes in all for ${content.length}`;
}

for (const mode of ['corrupt', 'cut'] as Mode[]) {
  const a = join(dir, `official-${mode}`);
  const b = join(dir, `ours-${mode}`);
  console.log(JSON.stringify({ case: mode, official: await official(mode, a), tokmix: await ours(mode, b) }));
}
writeFileSync(join(dir, 'done'), '');
await hub.stop();
