// One Hub session: the settings read from the environment, the bounded fetch, and request tallies
// (progress and tests). Every Hub call in tokmix takes one.
import { type HubFetchStats, createHubFetch } from './http.js';
import { type HubSettings, hubSettings } from './settings.js';
import type { RepoType } from './reference.js';

export interface HubClient {
  settings: HubSettings;
  fetch: typeof fetch;
  stats: HubFetchStats;
}

export function createHubClient(settings: HubSettings = hubSettings()): HubClient {
  const stats: HubFetchStats = { requests: 0, retries: 0 };
  return { settings, fetch: createHubFetch(settings, stats), stats };
}

/** The repo's page on the Hub (where a gated repo's licence is accepted). */
export function repoUrl(client: HubClient, type: RepoType, repo: string): string {
  return `${client.settings.endpoint}/${type === 'dataset' ? 'datasets/' : ''}${repo}`;
}

/** The `resolve` URL of a file at a revision (huggingface_hub's `hf_hub_url`). */
export function resolveUrl(
  client: HubClient,
  type: RepoType,
  repo: string,
  revision: string,
  path: string,
): string {
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return `${repoUrl(client, type, repo)}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
}

export function authHeaders(client: HubClient): Record<string, string> {
  return client.settings.token ? { authorization: `Bearer ${client.settings.token}` } : {};
}
