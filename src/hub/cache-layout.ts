// huggingface_hub's cache layout, so a file Python downloaded is reused and vice versa:
// <cache>/<type>s--<org>--<name>/{blobs/<etag>, snapshots/<commit>/<path> → ../../blobs/<etag>,
// refs/<revision> holding the commit}. Written atomically; nothing else there is touched.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../common/atomic.js';
import { tempName } from '../common/fs-checks.js';
import type { RepoType } from './reference.js';

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** The repo's folder in the cache (huggingface_hub's `repo_folder_name`). */
export function repoCacheDir(cacheDir: string, type: RepoType, repo: string): string {
  return join(cacheDir, `${type}s--${repo.split('/').join('--')}`);
}

/** The commit a revision points to in the cache: itself when a commit hash, else refs/<revision>. */
export function cachedCommit(repoDir: string, revision: string): string | undefined {
  if (COMMIT_HASH.test(revision)) return revision;
  const ref = join(repoDir, 'refs', revision);
  try {
    const commit = readFileSync(ref, 'utf8').trim();
    return COMMIT_HASH.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

export function writeRef(repoDir: string, revision: string, commit: string): void {
  if (revision === commit) return;
  if (cachedCommit(repoDir, revision) === commit) return;
  writeFileAtomic(join(repoDir, 'refs', revision), commit);
}

export function snapshotPath(repoDir: string, commit: string, path: string): string {
  return join(repoDir, 'snapshots', commit, ...path.split('/'));
}

export function blobPath(repoDir: string, etag: string): string {
  return join(repoDir, 'blobs', etag);
}

/** Whether `path` is a file (a snapshot link resolving to a blob, or a plain file). */
export function isCachedFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Points snapshots/<commit>/<path> at the blob with a relative link, as huggingface_hub does. */
export function linkSnapshot(repoDir: string, commit: string, path: string, etag: string): string {
  const pointer = snapshotPath(repoDir, commit, path);
  const blob = blobPath(repoDir, etag);
  mkdirSync(dirname(pointer), { recursive: true });
  const target = relative(dirname(pointer), blob);
  const temp = join(dirname(pointer), tempName('link'));
  symlinkSync(target, temp);
  try {
    renameSync(temp, pointer);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return pointer;
}
