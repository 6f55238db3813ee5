// Byte sizes as users type them on the command line: `200000`, `10KB`, `50MB`, `1GiB`.
import { UserError } from '../common/errors.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parses a positive byte count with an optional unit (KB/MB/GB decimal, KiB/MiB/GiB binary). */
export function parseByteSize(text: string, flag = '--bytes'): number {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new UserError(`${flag} ${text}: expected a byte count such as 200000, 10MB or 1GiB`);
  }
  const bytes = Math.floor(Number(match[1]) * unit);
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) {
    throw new UserError(`${flag} ${text}: expected a positive byte count`);
  }
  return bytes;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes} B`;
}
