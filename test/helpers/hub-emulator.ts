// A Hugging Face Hub stand-in on 127.0.0.1 for tests: the routes tokmix and @huggingface/hub use,
// answered as the Hub answers them (huggingface_hub's file_download.py and @huggingface/hub's
// lib/*.ts read these headers): `resolve` (LFS files: a 302 to a CDN path with X-Linked-Etag,
// X-Linked-Size and X-Repo-Commit; others: 200 with ETag = git blob id), range requests, the repo
// tree, paths-info and revision info. Every request is recorded; `fault` lets a test break one.
import { createHash } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmulatedRepo {
  type: 'model' | 'dataset';
  id: string;
  /** Path → content. Files ending in .parquet, .zst, .gz, .tiktoken or over 10 KB are LFS. */
  files: Record<string, Buffer | string>;
  /** Branch or tag names besides `main`; all point at the one commit. */
  branches?: string[];
  /** When set, requests need `Authorization: Bearer <token>` (401 without, 403 with another). */
  token?: string;
}

export interface RecordedRequest {
  method: string;
  url: string;
  range?: string;
}

/** Return true when the fault answered the request itself. */
export type Fault = (request: IncomingMessage, response: ServerResponse, route: Route) => boolean;

export interface Route {
  kind: 'resolve' | 'cdn' | 'tree' | 'paths-info' | 'revision' | 'other';
  repo?: StoredRepo;
  path?: string;
}

interface StoredFile {
  content: Buffer;
  lfs: boolean;
  sha256: string;
  gitOid: string;
}

interface StoredRepo {
  spec: EmulatedRepo;
  commit: string;
  files: Map<string, StoredFile>;
}

function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

function isLfs(path: string, content: Buffer): boolean {
  return /\.(parquet|zst|gz|tiktoken)$/.test(path) || content.length > 10_240;
}

function pointerFile(file: StoredFile): Buffer {
  return Buffer.from(
    `version https://git-lfs.github.com/spec/v1\noid sha256:${file.sha256}\nsize ${file.content.length}\n`,
  );
}

export class HubEmulator {
  readonly requests: RecordedRequest[] = [];
  /** Body bytes sent, over all responses. */
  bytesSent = 0;
  fault?: Fault;
  private readonly repos = new Map<string, StoredRepo>();
  private server?: Server;
  url = '';

  addRepo(spec: EmulatedRepo): string {
    const files = new Map<string, StoredFile>();
    const commitHash = createHash('sha1').update(`${spec.type}/${spec.id}`);
    for (const [path, raw] of Object.entries(spec.files).sort(([a], [b]) => a.localeCompare(b))) {
      const content = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
      const sha256 = createHash('sha256').update(content).digest('hex');
      files.set(path, { content, lfs: isLfs(path, content), sha256, gitOid: gitBlobId(content) });
      commitHash.update(path).update(sha256);
    }
    const commit = commitHash.digest('hex');
    this.repos.set(`${spec.type}/${spec.id}`, { spec, commit, files });
    return commit;
  }

  /** The file's content as served (for tests that compare). */
  file(type: 'model' | 'dataset', id: string, path: string): Buffer {
    return this.repos.get(`${type}/${id}`)!.files.get(path)!.content;
  }

  /** Where the emulator's CDN serves an LFS file (a plain GET there is a whole download). */
  cdnUrl(type: 'model' | 'dataset', id: string, path: string): string {
    return `${this.url}/cdn/${this.repos.get(`${type}/${id}`)!.files.get(path)!.sha256}`;
  }

  requestsTo(kind: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => kind.test(r.url));
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Finds `<type>s/<org>/<name>` or `<org>/<name>` at the start of `parts`; returns the repo and the rest. */
  private matchRepo(type: 'model' | 'dataset', parts: string[]): { repo?: StoredRepo; rest: string[] } {
    for (const length of [2, 1]) {
      const repo = this.repos.get(`${type}/${parts.slice(0, length).join('/')}`);
      if (repo) return { repo, rest: parts.slice(length) };
    }
    return { rest: parts };
  }

  private route(request: IncomingMessage): Route & { revision?: string; missingRepo?: boolean } {
    const url = new URL(request.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'cdn') return { kind: 'cdn', path: parts[1] };
    if (parts[0] === 'api' && (parts[1] === 'models' || parts[1] === 'datasets')) {
      const { repo, rest } = this.matchRepo(parts[1] === 'models' ? 'model' : 'dataset', parts.slice(2));
      const kind =
        rest[0] === 'tree'
          ? 'tree'
          : rest[0] === 'paths-info'
            ? 'paths-info'
            : rest[0] === 'revision'
              ? 'revision'
              : 'other';
      return { kind, repo, revision: rest[1], path: rest.slice(2).join('/'), missingRepo: !repo };
    }
    const type = parts[0] === 'datasets' ? 'dataset' : 'model';
    const { repo, rest } = this.matchRepo(type, type === 'dataset' ? parts.slice(1) : parts);
    if (rest[0] === 'resolve')
      return { kind: 'resolve', repo, revision: rest[1], path: rest.slice(2).join('/'), missingRepo: !repo };
    return { kind: 'other' };
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests.push({
      method: request.method ?? 'GET',
      url: request.url ?? '',
      ...(request.headers.range ? { range: request.headers.range } : {}),
    });
    const route = this.route(request);
    if (this.fault?.(request, response, route)) return;
    const error = (status: number, code: string) => {
      response.writeHead(status, { 'content-type': 'application/json', 'x-error-code': code });
      response.end(JSON.stringify({ error: code }));
    };
    if (route.kind === 'cdn') return this.serveCdn(request, response, route.path ?? '');
    if (route.kind === 'other') return error(404, 'NotFound');
    const repo = route.repo;
    if (!repo) return error(404, 'RepoNotFound');
    if (repo.spec.token !== undefined) {
      const auth = request.headers.authorization;
      if (!auth) return error(401, 'GatedRepo');
      if (auth !== `Bearer ${repo.spec.token}`) return error(403, 'GatedRepo');
    }
    const revision = route.revision ?? 'main';
    if (revision !== 'main' && revision !== repo.commit && !(repo.spec.branches ?? []).includes(revision)) {
      return error(404, 'RevisionNotFound');
    }
    if (route.kind === 'revision') return this.json(response, this.revisionInfo(repo));
    if (route.kind === 'tree')
      return this.json(
        response,
        this.tree(
          repo,
          route.path ?? '',
          new URL(request.url!, 'http://x').searchParams.get('recursive') === 'true',
        ),
      );
    if (route.kind === 'paths-info') {
      let body = '';
      request.on('data', (chunk) => (body += String(chunk)));
      request.on('end', () => {
        const paths = (JSON.parse(body || '{}') as { paths?: string[] }).paths ?? [];
        this.json(response, paths.map((p) => repo.files.get(p) && this.entry(repo, p)).filter(Boolean));
      });
      return;
    }
    const file = repo.files.get(route.path ?? '');
    if (!file) return error(404, 'EntryNotFound');
    const headers: Record<string, string> = { 'x-repo-commit': repo.commit, 'accept-ranges': 'bytes' };
    if (file.lfs) {
      response.writeHead(302, {
        ...headers,
        location: `${this.url}/cdn/${file.sha256}`,
        'x-linked-etag': `"${file.sha256}"`,
        'x-linked-size': String(file.content.length),
        etag: `"${gitBlobId(pointerFile(file))}"`,
      });
      response.end();
      return;
    }
    this.serveBytes(request, response, file.content, { ...headers, etag: `"${file.gitOid}"` });
  }

  private serveCdn(request: IncomingMessage, response: ServerResponse, sha256: string): void {
    for (const repo of this.repos.values()) {
      for (const file of repo.files.values()) {
        if (file.sha256 === sha256)
          return this.serveBytes(request, response, file.content, {
            etag: `"${sha256}"`,
            'accept-ranges': 'bytes',
          });
      }
    }
    response.writeHead(404);
    response.end();
  }

  /** 200 with the whole body, or 206 for `Range: bytes=a-b`, `a-` or `-n`; 416 outside. */
  private serveBytes(
    request: IncomingMessage,
    response: ServerResponse,
    content: Buffer,
    headers: Record<string, string>,
  ): void {
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    let start = 0;
    let end = content.length - 1;
    if (range) {
      if (range[1] === '') start = Math.max(0, content.length - Number(range[2]));
      else {
        start = Number(range[1]);
        if (range[2] !== '') end = Math.min(end, Number(range[2]));
      }
      if (start >= content.length || start > end) {
        response.writeHead(416, { 'content-range': `bytes */${content.length}` });
        response.end();
        return;
      }
    }
    const body = content.subarray(start, end + 1);
    response.writeHead(range ? 206 : 200, {
      ...headers,
      'content-length': String(body.length),
      'content-type': 'application/octet-stream',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${content.length}` } : {}),
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    this.bytesSent += body.length;
    response.end(body);
  }

  private json(response: ServerResponse, value: unknown): void {
    const body = JSON.stringify(value);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  }

  private entry(repo: StoredRepo, path: string): Record<string, unknown> {
    const file = repo.files.get(path)!;
    return {
      type: 'file',
      oid: file.lfs ? gitBlobId(pointerFile(file)) : file.gitOid,
      size: file.content.length,
      path,
      ...(file.lfs
        ? { lfs: { oid: file.sha256, size: file.content.length, pointerSize: pointerFile(file).length } }
        : {}),
      lastCommit: { id: repo.commit, title: 'upload', date: '2024-01-01T00:00:00.000Z' },
    };
  }

  /** The tree API: entries directly under `folder` (files and folders), or every file below it. */
  private tree(repo: StoredRepo, folder: string, recursive: boolean): unknown[] {
    const prefix = folder ? `${folder}/` : '';
    const entries: unknown[] = [];
    const folders = new Set<string>();
    for (const path of repo.files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      if (recursive || !rest.includes('/')) entries.push(this.entry(repo, path));
      if (rest.includes('/')) {
        const segments = rest.split('/');
        const depth = recursive ? segments.length - 1 : 1;
        for (let d = 1; d <= depth; d++) folders.add(prefix + segments.slice(0, d).join('/'));
      }
    }
    for (const path of folders) entries.push({ type: 'directory', oid: '0'.repeat(40), size: 0, path });
    return entries;
  }

  private revisionInfo(repo: StoredRepo): unknown {
    return {
      _id: repo.commit.slice(0, 24),
      id: repo.spec.id,
      sha: repo.commit,
      private: false,
      gated: repo.spec.token ? 'manual' : false,
      disabled: false,
      downloads: 0,
      likes: 0,
      tags: [],
      lastModified: '2024-01-01T00:00:00.000Z',
      createdAt: '2024-01-01T00:00:00.000Z',
      siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })),
    };
  }
}
