// A tokenizer by Hub name: `hf:org/name[@rev][/path]` → its tokenizer.json (else merges.txt with
// vocab.json, else a *.tiktoken) in the shared cache, with the commit it came from. Offline
// (HF_HUB_OFFLINE=1, or the Hub unreachable) the cache alone answers, as in huggingface_hub.
import { readdirSync } from 'node:fs';
import { listFiles } from '@huggingface/hub';
import { UserError, isUserError } from '../common/errors.js';
import type { ProgressCallback } from '../common/progress.js';
import { type HubClient, createHubClient, repoUrl } from './client.js';
import { asHubUserError } from './http.js';
import { cachedCommit, isCachedFile, repoCacheDir, snapshotPath } from './cache-layout.js';
import { downloadToCache, fileMetadata } from './files.js';
import { formatHubReference, parseHubReference, type HubReference } from './reference.js';

export interface HubOrigin {
  repo: string;
  revision: string;
  commit: string;
}

export interface FetchedTokenizer {
  /** The main file in the cache's snapshot folder (merges.txt has vocab.json beside it). */
  path: string;
  hub: HubOrigin;
  /** A fact the user should know (e.g. the Hub was unreachable and the cache answered). */
  note?: string;
}

const TOKENIZER_FILE = /(^|\/)(tokenizer\.json|merges\.txt|vocab\.json|[^/]+\.tiktoken)$/;

/** The files to fetch of a folder's listing, by the loader's preference. */
export function chooseTokenizerFiles(names: string[], folder: string): string[] {
  const inFolder = (name: string) => (folder ? `${folder}/${name}` : name);
  if (names.includes(inFolder('tokenizer.json'))) return [inFolder('tokenizer.json')];
  if (names.includes(inFolder('merges.txt'))) {
    return names.includes(inFolder('vocab.json'))
      ? [inFolder('merges.txt'), inFolder('vocab.json')]
      : [inFolder('merges.txt')];
  }
  const tiktoken = names
    .filter((name) => name.endsWith('.tiktoken') && !name.slice(folder.length + 1).includes('/'))
    .sort();
  return tiktoken.length > 0 ? [tiktoken[0]] : [];
}

function isFilePath(path: string): boolean {
  return /\.(json|txt|tiktoken)$/i.test(path);
}

/** The tokenizer from the cache alone, or undefined when the cache lacks it. */
function fromCache(client: HubClient, ref: HubReference): FetchedTokenizer | undefined {
  const repoDir = repoCacheDir(client.settings.cacheDir, 'model', ref.repo);
  const commit = cachedCommit(repoDir, ref.revision);
  if (commit === undefined) return undefined;
  let main: string | undefined;
  if (isFilePath(ref.path)) main = ref.path;
  else {
    let names: string[] = [];
    try {
      names = readdirSync(snapshotPath(repoDir, commit, ref.path)).map((name) =>
        ref.path ? `${ref.path}/${name}` : name,
      );
    } catch {
      return undefined;
    }
    main = chooseTokenizerFiles(names, ref.path)[0];
  }
  if (main === undefined || !isCachedFile(snapshotPath(repoDir, commit, main))) return undefined;
  return {
    path: snapshotPath(repoDir, commit, main),
    hub: { repo: ref.repo, revision: ref.revision, commit },
  };
}

function notCached(client: HubClient, what: string, why: string): UserError {
  return new UserError(
    `${what}: not in the Hugging Face cache ${client.settings.cacheDir} and ${why}; run once with network access (or copy the cache there)`,
    what,
  );
}

export async function fetchTokenizer(
  reference: string,
  options: { client?: HubClient; onProgress?: ProgressCallback } = {},
): Promise<FetchedTokenizer> {
  const ref = parseHubReference(reference, 'model');
  const what = formatHubReference(ref);
  const client = options.client ?? createHubClient();
  if (client.settings.offline) {
    const cached = fromCache(client, ref);
    if (cached) return cached;
    throw notCached(client, what, 'HF_HUB_OFFLINE is set');
  }
  const page = repoUrl(client, 'model', ref.repo);
  try {
    let files: string[];
    if (isFilePath(ref.path)) {
      files = [ref.path];
      if (ref.path.endsWith('merges.txt')) {
        const vocab = ref.path.replace(/merges\.txt$/, 'vocab.json');
        const names = await listFolder(
          client,
          ref,
          ref.path.includes('/') ? ref.path.slice(0, ref.path.lastIndexOf('/')) : '',
        );
        if (names.includes(vocab)) files.push(vocab);
      }
    } else {
      files = chooseTokenizerFiles(await listFolder(client, ref, ref.path), ref.path);
      if (files.length === 0) {
        throw new UserError(
          `${what}: no tokenizer.json, merges.txt or *.tiktoken ${ref.path ? `in ${ref.path}` : 'at the top of the repo'}; name the file (${what}/path/to/tokenizer.json)`,
          what,
        );
      }
    }
    let commit: string | undefined;
    let main: string | undefined;
    for (const path of files) {
      // Pinned to the first file's commit, so every file comes from one snapshot.
      const file = await fileMetadata(client, 'model', ref.repo, commit ?? ref.revision, path, what);
      file.revision = ref.revision;
      commit ??= file.commit;
      const local = await downloadToCache(client, file, what, options.onProgress);
      main ??= local;
    }
    return { path: main!, hub: { repo: ref.repo, revision: ref.revision, commit: commit! } };
  } catch (error) {
    const failure = asHubUserError(error, what, page, client.settings);
    if (isUserError(failure) && /cannot reach the Hub/.test(failure.message)) {
      const cached = fromCache(client, ref);
      if (cached)
        return {
          ...cached,
          note: `the Hub was unreachable: ${what} read from the cache at commit ${cached.hub.commit}`,
        };
      throw notCached(
        client,
        what,
        `the Hub is unreachable (${failure.message.split('(')[1]?.split(')')[0] ?? 'network'})`,
      );
    }
    throw failure;
  }
}

/** Paths of the files directly in `folder` at the revision (the tree API, through the official client). */
async function listFolder(client: HubClient, ref: HubReference, folder: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of listFiles({
    repo: { type: 'model', name: ref.repo },
    revision: ref.revision,
    ...(folder ? { path: folder } : {}),
    hubUrl: client.settings.endpoint,
    fetch: client.fetch,
    ...(client.settings.token ? { accessToken: client.settings.token } : {}),
  })) {
    if (entry.type === 'file' && TOKENIZER_FILE.test(entry.path)) names.push(entry.path);
  }
  return names;
}
