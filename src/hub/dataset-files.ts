// The files a dataset reference names: `hf:datasets/org/name[@rev]/<path or glob>` → the commit
// the revision points to (revision info) and the matching files of the tree at that commit, with
// the etag and size each is checked against. Listings go through @huggingface/hub.
import { datasetInfo, listFiles, pathsInfo } from '@huggingface/hub';
import { UserError } from '../common/errors.js';
import { type HubClient, repoUrl } from './client.js';
import { asHubUserError } from './http.js';
import type { RemoteFile } from './files.js';
import { COMMIT_HASH } from './cache-layout.js';
import { formatHubReference, type HubReference } from './reference.js';

const GLOB_MAGIC = /[*?[{]/;

/** A path glob (`*` within a segment, `**` across, `?`, `[...]`, `{a,b}`) as a RegExp. */
export function globRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) out += '\\{';
      else {
        out += `(?:${glob
          .slice(i + 1, close)
          .split(',')
          .map(escape)
          .join('|')})`;
        i = close;
      }
    } else if (c === '[') {
      const close = glob.indexOf(']', i);
      if (close < 0) out += '\\[';
      else {
        out += glob.slice(i, close + 1).replace(/^\[!/, '[^');
        i = close;
      }
    } else out += escape(c);
  }
  return new RegExp(`^${out}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The folder to list: the path's segments before the first one with glob magic. */
function fixedPrefix(path: string): string {
  const segments = path.split('/');
  const magic = segments.findIndex((segment) => GLOB_MAGIC.test(segment));
  return (magic < 0 ? segments : segments.slice(0, magic)).join('/');
}

function credentials(client: HubClient) {
  return {
    hubUrl: client.settings.endpoint,
    fetch: client.fetch,
    ...(client.settings.token ? { accessToken: client.settings.token } : {}),
  };
}

/** The commit a dataset revision points to now. */
export async function datasetCommit(client: HubClient, ref: HubReference): Promise<string> {
  if (COMMIT_HASH.test(ref.revision)) return ref.revision;
  const info = await datasetInfo({
    name: ref.repo,
    revision: ref.revision,
    additionalFields: ['sha'],
    ...credentials(client),
  });
  const sha = (info as { sha?: unknown }).sha;
  if (typeof sha !== 'string' || !COMMIT_HASH.test(sha)) {
    throw new UserError(
      `${formatHubReference(ref)}: the Hub's revision info has no commit; check HF_ENDPOINT`,
    );
  }
  return sha;
}

/**
 * The files of the reference, sorted by path, readable by `accept` (a format check by name).
 * A path naming a folder takes every file below it.
 */
export async function datasetFiles(
  client: HubClient,
  ref: HubReference,
  accept: (path: string) => boolean,
): Promise<{ commit: string; files: RemoteFile[] }> {
  const what = formatHubReference(ref);
  try {
    const commit = await datasetCommit(client, ref);
    const pattern = GLOB_MAGIC.test(ref.path) ? globRegExp(ref.path) : undefined;
    const folder = pattern ? fixedPrefix(ref.path) : ref.path;
    const files: RemoteFile[] = [];
    const add = (entry: {
      type: string;
      path: string;
      oid?: string;
      size: number;
      lfs?: { oid: string; size: number };
    }) => {
      const etag = entry.lfs?.oid ?? entry.oid;
      if (entry.type !== 'file' || !etag || !accept(entry.path)) return;
      if (pattern && !pattern.test(entry.path)) return;
      files.push({
        type: 'dataset',
        repo: ref.repo,
        revision: ref.revision,
        path: entry.path,
        commit,
        etag,
        size: entry.lfs?.size ?? entry.size,
        lfs: entry.lfs !== undefined,
      });
    };
    // An exact path: paths-info says whether it is a file; a folder or a glob: the tree below it.
    const exact =
      !pattern && folder !== ''
        ? await pathsInfo({
            repo: { type: 'dataset', name: ref.repo },
            paths: [folder],
            revision: commit,
            ...credentials(client),
          })
        : [];
    if (exact.length === 1 && exact[0].type === 'file') add(exact[0]);
    else {
      for await (const entry of listFiles({
        repo: { type: 'dataset', name: ref.repo },
        revision: commit,
        recursive: true,
        ...(folder ? { path: folder } : {}),
        ...credentials(client),
      })) {
        add(entry);
      }
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (files.length === 0) {
      throw new UserError(
        `${what}: no readable files there at commit ${commit.slice(0, 12)} (.parquet, .jsonl, .txt or their .gz/.zst); check the path or glob`,
        what,
      );
    }
    return { commit, files };
  } catch (error) {
    throw asHubUserError(error, what, repoUrl(client, 'dataset', ref.repo), client.settings);
  }
}
