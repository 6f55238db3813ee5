// docs/cli.md is written by hand; this keeps it from drifting: every visible flag of every command
// (read from the compiled command classes, as oclif reads them for --help) must appear in that
// command's section of docs/cli.md.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { distName, repoRoot } from '../helpers/cli.js';

interface FlagLike {
  hidden?: boolean;
}
interface CommandClass {
  flags?: Record<string, FlagLike>;
  baseFlags?: Record<string, FlagLike>;
}

function commandFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return commandFiles(path);
      return name.endsWith('.js') ? [path] : [];
    });
}

/** `tokenizers/show.js` → `tokenizers show`; `tokenizers/index.js` → `tokenizers`. */
function commandId(root: string, file: string): string {
  return relative(root, file)
    .replace(/\.js$/, '')
    .split(sep)
    .filter((part, i, parts) => !(part === 'index' && i === parts.length - 1))
    .join(' ');
}

/**
 * The text of the section documenting `id`: from its `## tokmix <top>` heading to the next `## `
 * heading (subcommands are documented in their parent's section).
 */
export function sectionOf(doc: string, id: string): string | undefined {
  const heading = `## tokmix ${id.split(' ')[0]}`;
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Every visible flag name of each command, as `--name`. */
async function visibleFlags(): Promise<Map<string, string[]>> {
  const root = join(repoRoot, distName, 'src', 'commands');
  const found = new Map<string, string[]>();
  for (const file of commandFiles(root)) {
    const command = (await import(pathToFileURL(file).href)).default as CommandClass;
    const flags = { ...command.baseFlags, ...command.flags };
    found.set(
      commandId(root, file),
      Object.entries(flags)
        .filter(([, flag]) => !flag.hidden)
        .map(([name]) => `--${name}`),
    );
  }
  return found;
}

test('docs/cli.md names every visible flag of every command in its section', async () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');
  const commands = await visibleFlags();
  assert.ok(commands.size >= 8, `found only ${commands.size} commands`);
  const missing: string[] = [];
  for (const [id, flags] of commands) {
    const section = sectionOf(doc, id);
    if (section === undefined) {
      missing.push(`no "## tokmix ${id.split(' ')[0]}" section for \`tokmix ${id}\``);
      continue;
    }
    for (const flag of flags) {
      // A flag counts as documented when it appears as a code span: `--flag` or `--flag VALUE`.
      if (!new RegExp('`' + flag + '[ `=]').test(section)) missing.push(`tokmix ${id} ${flag}`);
    }
  }
  assert.deepEqual(missing, [], `document these in docs/cli.md:\n${missing.join('\n')}`);
});

test('sectionOf stops at the next command and finds nothing for an undocumented one', () => {
  const doc = '## tokmix a\n`--x`\n## tokmix b\n`--y`\n';
  assert.equal(sectionOf(doc, 'a'), '## tokmix a\n`--x`');
  assert.equal(sectionOf(doc, 'b sub'), '## tokmix b\n`--y`\n');
  assert.equal(sectionOf(doc, 'c'), undefined);
});
