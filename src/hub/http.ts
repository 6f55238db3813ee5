// Every request tokmix makes to the Hub goes through hubFetch, handed to @huggingface/hub as its
// `fetch`: a time bound on each request (headers and body), waits a 429/503 Retry-After asks for
// (within a bound), and network failures turned into one line naming the endpoint and the fix.
import { HubApiError } from '@huggingface/hub';
import { UserError, isUserError } from '../common/errors.js';
import type { HubSettings } from './settings.js';

/** Retries of one request after a 429 or 503. */
const MAX_RETRIES = 5;
/** Wait when a 429/503 names none (huggingface_hub backs off from 1 s). */
const DEFAULT_RETRY_SECONDS = 1;

/** Seconds a Retry-After header asks for (delta-seconds or an HTTP date), undefined if absent. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}

/** Why a request failed below HTTP (refused, unknown host, reset, timed out), as one line. */
export function networkError(error: unknown, url: string, settings: HubSettings): UserError {
  if (isUserError(error)) return error;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const name = (error as Error | undefined)?.name;
  const origin = new URL(url).origin;
  if (
    name === 'TimeoutError' ||
    cause?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    cause?.code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return new UserError(
      `${origin}: no complete answer for ${new URL(url).pathname} within ${settings.requestSeconds} s; retry later or raise TOKMIX_HUB_TIMEOUT`,
      url,
    );
  }
  const code =
    cause?.code ?? (error as NodeJS.ErrnoException | undefined)?.code ?? cause?.message ?? String(error);
  return new UserError(
    `cannot reach the Hub at ${origin} (${code}); check the network, or set HF_HUB_OFFLINE=1 to use what is cached`,
    url,
  );
}

export interface HubFetchStats {
  requests: number;
  retries: number;
}

/** A `fetch` for @huggingface/hub and tokmix's own range reads, bounded as above. */
export function createHubFetch(settings: HubSettings, stats: HubFetchStats = { requests: 0, retries: 0 }) {
  const hubFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (settings.offline) {
      throw new UserError(
        `HF_HUB_OFFLINE is set, and ${new URL(url).pathname} is not in the cache ${settings.cacheDir}; unset HF_HUB_OFFLINE to fetch it`,
        url,
      );
    }
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(settings.requestSeconds * 1000);
      const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      let response: Response;
      try {
        stats.requests++;
        response = await fetch(input, { ...init, signal });
      } catch (error) {
        throw networkError(error, url, settings);
      }
      if ((response.status !== 429 && response.status !== 503) || attempt === MAX_RETRIES) return response;
      const asked = retryAfterSeconds(response.headers.get('retry-after'));
      const wait = asked ?? DEFAULT_RETRY_SECONDS * 2 ** attempt;
      await response.body?.cancel();
      if (waited + wait > settings.maxRetryWaitSeconds) {
        throw new UserError(
          `${new URL(url).origin}: rate limited (HTTP ${response.status}); the Hub asks to wait ${Math.ceil(wait)} s more, beyond TOKMIX_HUB_MAX_WAIT=${settings.maxRetryWaitSeconds} s; retry later or raise it`,
          url,
        );
      }
      waited += wait;
      stats.retries++;
      await sleep(wait * 1000, init.signal);
    }
  };
  return hubFetch as typeof fetch;
}

/** The HTTP status of an error @huggingface/hub threw, if it is one. */
export function hubStatus(error: unknown): number | undefined {
  return error instanceof HubApiError ? error.statusCode : undefined;
}

/** An HTTP failure on `what` (a hf: reference) as one line: access, absence, or the status. */
export function describeHubFailure(
  status: number,
  what: string,
  repoUrl: string,
  settings: HubSettings,
  detail = '',
): UserError {
  if (status === 401 || status === 403) {
    const token = settings.token
      ? 'HF_TOKEN is set: check that its account has accepted the licence and the token can read gated repos'
      : 'set HF_TOKEN to a token of an account that has';
    return new UserError(
      `${what}: access denied (HTTP ${status}): the repo is gated, private or does not exist; accept its licence at ${repoUrl}, and ${token}`,
      what,
    );
  }
  if (status === 404) {
    return new UserError(
      `${what}: not found on ${settings.endpoint} (HTTP 404${detail ? `: ${detail}` : ''}); check the repo name, revision and path`,
      what,
    );
  }
  return new UserError(
    `${what}: the Hub answered HTTP ${status}${detail ? ` (${detail})` : ''}; retry later`,
    what,
  );
}

/** Any error of a Hub call on `what`, as a UserError (network, HTTP) or unchanged (a bug). */
export function asHubUserError(
  error: unknown,
  what: string,
  repoUrl: string,
  settings: HubSettings,
): unknown {
  if (isUserError(error)) return error;
  const status = hubStatus(error);
  if (status !== undefined) {
    const message = (error as Error).message.split('. URL:')[0];
    return describeHubFailure(
      status,
      what,
      repoUrl,
      settings,
      message.startsWith('Api error') ? '' : message,
    );
  }
  if (error instanceof TypeError || (error as Error | undefined)?.name === 'TimeoutError') {
    return networkError(error, repoUrl, settings);
  }
  return error;
}
