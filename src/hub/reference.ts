// What a user types for something on the Hub: `hf:org/name[@rev][/path]` for a model repo (a
// tokenizer) and `hf:datasets/org/name[@rev][/path or glob]` for a dataset. A revision holding
// `/` (`refs/convert/parquet`) is written URL-encoded (`@refs%2Fconvert%2Fparquet`), as in
// huggingface_hub's `hf://` paths.
import { UserError } from '../common/errors.js';

export type RepoType = 'model' | 'dataset';

export interface HubReference {
  type: RepoType;
  /** `org/name` (or a legacy `name`). */
  repo: string;
  /** As typed; `main` when absent. */
  revision: string;
  /** A path (or glob) inside the repo; '' for the whole repo. */
  path: string;
}

export const HUB_PREFIX = 'hf:';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

export function isHubReference(ref: string): boolean {
  return ref.startsWith(HUB_PREFIX);
}

function refused(ref: string, why: string, form: string): UserError {
  return new UserError(`${ref}: ${why}; expected ${form}`, ref);
}

/** Parses `hf:[datasets/]org/name[@rev][/path]`; `type` is what the caller expects. */
export function parseHubReference(ref: string, type: RepoType): HubReference {
  const form = type === 'model' ? 'hf:org/name[@revision][/path]' : 'hf:datasets/org/name[@revision][/path]';
  if (!isHubReference(ref)) throw refused(ref, 'not a Hub reference', form);
  let rest = ref.slice(HUB_PREFIX.length).replace(/^\/\//, '');
  const isDataset = rest.startsWith('datasets/');
  if (isDataset) rest = rest.slice('datasets/'.length);
  if (isDataset !== (type === 'dataset')) {
    throw refused(ref, type === 'model' ? 'a dataset, not a model repo' : 'not a dataset', form);
  }
  const parts = rest.split('/');
  let repoParts: string[];
  let pathParts: string[];
  // `org/name...` unless the first segment carries the revision (`name@rev`, a legacy repo).
  if (parts.length >= 2 && !parts[0].includes('@')) {
    repoParts = parts.slice(0, 2);
    pathParts = parts.slice(2);
  } else {
    repoParts = parts.slice(0, 1);
    pathParts = parts.slice(1);
  }
  let revision = 'main';
  const last = repoParts.length - 1;
  const at = repoParts[last].indexOf('@');
  if (at >= 0) {
    try {
      revision = decodeURIComponent(repoParts[last].slice(at + 1));
    } catch {
      throw refused(ref, 'the revision is not valid URL encoding', form);
    }
    repoParts[last] = repoParts[last].slice(0, at);
    if (revision === '' || /[\s\\]|\.\./.test(revision))
      throw refused(ref, 'an empty or invalid revision', form);
  }
  if (!repoParts.every((part) => SEGMENT.test(part) && !part.includes('..'))) {
    throw refused(ref, 'not a valid repo name', form);
  }
  const path = pathParts.filter((part) => part !== '').join('/');
  if (pathParts.some((part) => part === '..' || part === '.'))
    throw refused(ref, 'a path with . or ..', form);
  return { type, repo: repoParts.join('/'), revision, path };
}

/** The reference as typed back to the user, canonical. */
export function formatHubReference(ref: HubReference): string {
  const revision = ref.revision === 'main' ? '' : `@${encodeURIComponent(ref.revision)}`;
  const kind = ref.type === 'dataset' ? 'datasets/' : '';
  return `${HUB_PREFIX}${kind}${ref.repo}${revision}${ref.path ? `/${ref.path}` : ''}`;
}
