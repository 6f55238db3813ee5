// Category sets whose categories live on the Hub, as manifests shipped in corpora/ (`paper`: the
// paper's 112 languages, programming languages and domains mapped to today's Hub datasets).
// Listing one needs no network; reading it fetches each category's sample (hub-sample.ts).
import { join } from 'node:path';
import { packageRoot } from './builtin/locate.js';

export const HUB_SET_NAMES = ['paper'] as const;
export type HubSetName = (typeof HUB_SET_NAMES)[number];

export function isHubSetName(name: string): name is HubSetName {
  return (HUB_SET_NAMES as readonly string[]).includes(name);
}

/** The manifest file of a Hub set. */
export function hubSetManifest(name: HubSetName): string {
  return join(packageRoot(), 'corpora', `${name}.json`);
}
