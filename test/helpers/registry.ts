// A loopback stand-in for the npm registry: npm-style gzipped tarballs made from a few files, served
// on 127.0.0.1 with Range support, so fetch-on-first-use is tested without the network.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/** A ustar archive of `files` (paths under `package/`, as npm packs them). */
export function tarOf(files: Record<string, string | Buffer>): Buffer {
  const blocks: Buffer[] = [];
  for (const [path, content] of Object.entries(files)) {
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const header = Buffer.alloc(512);
    header.write(`package/${path}`, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A gzipped npm tarball of `files` and its `sha512-…` integrity. */
export function tarball(files: Record<string, string | Buffer>): { bytes: Buffer; integrity: string } {
  const bytes = gzipSync(tarOf(files));
  return { bytes, integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}` };
}

export interface Registry {
  url: string;
  /** Requests seen: path and Range header. */
  requests: Array<{ path: string; range?: string }>;
  close(): Promise<void>;
}

/** Serves `tarballs` (URL path → bytes) on 127.0.0.1; other paths are 404. */
export async function startRegistry(tarballs: Map<string, Buffer>): Promise<Registry> {
  const requests: Registry['requests'] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const range = request.headers.range;
    requests.push({ path, ...(range ? { range } : {}) });
    const bytes = tarballs.get(path);
    if (!bytes) {
      response.writeHead(404).end();
      return;
    }
    const from = range ? Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0) : 0;
    if (from >= bytes.length && range) {
      response.writeHead(416).end();
      return;
    }
    response.writeHead(range ? 206 : 200, {
      'content-length': String(bytes.length - from),
      'accept-ranges': 'bytes',
    });
    response.end(bytes.subarray(from));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback URL nothing listens on (a port just closed). */
export async function closedRegistryUrl(): Promise<string> {
  const registry = await startRegistry(new Map());
  await registry.close();
  return registry.url;
}
