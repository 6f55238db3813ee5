// The documents link into each other by section (README → docs/cli.md#tokmix-infer, → bench/
// README.md#…); moving a section must not leave a link pointing nowhere. Every relative link in the
// project's Markdown must name an existing file and, with a #fragment, a heading of that file (as
// GitHub makes anchors from headings).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/cli.js';

const DOCUMENTS = ['README.md', 'docs/cli.md', 'docs/result-schema.md', 'docs/DESIGN.md', 'bench/README.md'];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings (outside code blocks; repeats get -1, -2, …). */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inCode = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const heading = inCode ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const anchor = headingAnchor(heading[1]);
    const count = seen.get(anchor) ?? 0;
    seen.set(anchor, count + 1);
    anchors.add(count === 0 ? anchor : `${anchor}-${count}`);
  }
  return anchors;
}

test('headingAnchor makes the anchors GitHub makes', () => {
  assert.equal(headingAnchor('Category samples (`--categories`)'), 'category-samples---categories');
  assert.equal(
    headingAnchor("How far to trust an extension's estimate"),
    'how-far-to-trust-an-extensions-estimate',
  );
  assert.deepEqual([...anchorsOf('# A\n```\n# not a heading\n```\n## A\n')], ['a', 'a-1']);
});

test('every relative link in the documents names an existing file and heading', () => {
  const broken: string[] = [];
  for (const document of DOCUMENTS) {
    const text = readFileSync(join(repoRoot, document), 'utf8');
    for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(link)) continue; // http:, https:, mailto:
      const [path, fragment] = link.split('#');
      const target = path === '' ? document : normalize(join(dirname(document), path));
      if (!existsSync(join(repoRoot, target))) {
        broken.push(`${document}: ${link} (no file ${target})`);
        continue;
      }
      if (fragment && target.endsWith('.md')) {
        const anchors = anchorsOf(readFileSync(join(repoRoot, target), 'utf8'));
        if (!anchors.has(fragment))
          broken.push(`${document}: ${link} (no heading #${fragment} in ${target})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});
