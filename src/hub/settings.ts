// The Hugging Face environment tokmix honours, read as huggingface_hub reads it: HF_ENDPOINT,
// HF_TOKEN (or the token file), HF_HOME / HF_HUB_CACHE, HF_HUB_OFFLINE; plus tokmix's own bounds.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';

export interface HubSettings {
  /** The Hub's base URL, without a trailing slash. */
  endpoint: string;
  token?: string;
  offline: boolean;
  /** The shared cache of models and datasets (huggingface_hub's layout). */
  cacheDir: string;
  /** Longest wait a Retry-After may ask for, in seconds (longer: fail naming the wait). */
  maxRetryWaitSeconds: number;
  /** Bound on one request, headers and body, in seconds. */
  requestSeconds: number;
}

const DEFAULT_ENDPOINT = 'https://huggingface.co';

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'on', 'yes', 'true'].includes(value.trim().toLowerCase());
}

function hfHome(env: NodeJS.ProcessEnv): string {
  return env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
}

/** huggingface_hub's token: HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then the file `hf auth login` writes. */
function tokenOf(env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN;
  if (fromEnv) return fromEnv.trim();
  const file = env.HF_TOKEN_PATH || join(hfHome(env), 'token');
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    // An unreadable token file is as if absent: public repos still work, gated ones say to set HF_TOKEN.
  }
  return undefined;
}

function positiveSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(Number.isFinite(value) && value > 0)) {
    throw new UserError(`${name}=${raw}: expected a positive number of seconds`, name);
  }
  return value;
}

export function hubSettings(env: NodeJS.ProcessEnv = process.env): HubSettings {
  const endpoint = (env.HF_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, '');
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new UserError(`HF_ENDPOINT=${endpoint}: not an http(s) URL; unset it or fix it`, 'HF_ENDPOINT');
  }
  const token = tokenOf(env);
  return {
    endpoint,
    ...(token ? { token } : {}),
    offline: truthy(env.HF_HUB_OFFLINE),
    cacheDir: env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || join(hfHome(env), 'hub'),
    maxRetryWaitSeconds: positiveSeconds(env, 'TOKMIX_HUB_MAX_WAIT', 120),
    requestSeconds: positiveSeconds(env, 'TOKMIX_HUB_TIMEOUT', 300),
  };
}
