// Temporary folders for tests, always removed: per test (tempFolder, on t.after) or per test file
// (tempDir, when the process exits), so a test run leaves nothing behind in the system's tmpdir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fileScoped: string[] = [];
process.on('exit', () => {
  for (const dir of fileScoped) rmSync(dir, { recursive: true, force: true });
});

/** A folder that lives until this test file's process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tokmix-${prefix}-`));
  fileScoped.push(dir);
  return dir;
}

/** A folder removed as soon as test `t` ends. */
export function tempFolder(t: { after: (fn: () => void) => void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tokmix-${prefix}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
