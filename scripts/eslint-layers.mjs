// The layer rule of docs/DESIGN.md as an ESLint rule (`tokmix/layers`): a module of src/ imports
// only from its own room and from rooms on lower layers, never upward or sideways. Every relative
// reference counts (static, type-only and dynamic imports, re-exports, worker URLs), because each
// is a dependency a reader must follow. docs/DESIGN.md prints the chain this table holds, and
// test/common/layers.test.ts checks that the two agree.
import { dirname, relative, resolve, sep } from 'node:path';

/** The rooms of src/, lowest layer first; rooms on one layer are siblings (neither imports the other). */
export const LAYERS = [
  ['common'],
  ['hub'],
  ['tokenizer', 'corpus'],
  ['count'],
  ['bpe'],
  ['solve'],
  ['bootstrap'],
  ['report'],
  ['merge-range.ts'],
  ['experiment', 'infer.ts'],
  ['cli', 'slurm'],
  ['commands', 'index.ts'],
];

/**
 * Fenced rooms: research code kept beside the room it builds on. It may import what that room may
 * (and the room itself); no other module of src/ may import it (bench/ and test/ do).
 */
export const FENCED = { 'solve/research': 'solve' };

/** The chain as docs/DESIGN.md writes it: `common  ←  tokenizer, corpus  ←  …`. */
export function layerChain() {
  return LAYERS.map((rooms) => rooms.join(', ')).join('  ←  ');
}

const layerOf = new Map(LAYERS.flatMap((rooms, layer) => rooms.map((room) => [room, layer])));

/** The room of a path relative to src/ (posix): a fenced folder, a top-level folder or a top-level file. */
export function roomOf(path) {
  for (const fenced of Object.keys(FENCED)) if (path.startsWith(`${fenced}/`)) return fenced;
  const [first, ...rest] = path.split('/');
  return rest.length === 0 ? first.replace(/\.js$/, '.ts') : first;
}

/** Why `from` may not import `to`, or undefined when it may. */
export function layerViolation(from, to) {
  if (from === to) return undefined;
  if (to in FENCED) return `${to}/ is fenced research code: only bench/ and test/ import it`;
  const base = FENCED[from];
  if (base !== undefined && to === base) return undefined;
  const fromLayer = layerOf.get(base ?? from);
  const toLayer = layerOf.get(to);
  if (fromLayer === undefined)
    return `${from} is in no layer: place it in LAYERS (scripts/eslint-layers.mjs)`;
  if (toLayer === undefined) return `${to} is in no layer: place it in LAYERS (scripts/eslint-layers.mjs)`;
  if (toLayer < fromLayer) return undefined;
  return toLayer === fromLayer ? `${to} is a sibling of ${from} on its layer` : `${to} is on a higher layer`;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: "imports follow docs/DESIGN.md's layers: only down, never up or sideways" },
    schema: [{ type: 'object', properties: { srcRoot: { type: 'string' } }, additionalProperties: false }],
    messages: {
      upward:
        '{{from}} may not import {{target}}: {{why}}. The layers, lowest first: {{chain}} (docs/DESIGN.md).',
    },
  },
  create(context) {
    const srcRoot = resolve(context.cwd, context.options[0]?.srcRoot ?? 'src');
    const fromPath = relative(srcRoot, context.filename).split(sep).join('/');
    if (fromPath.startsWith('..')) return {};
    const from = roomOf(fromPath);
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.'))
        return;
      const target = relative(srcRoot, resolve(dirname(context.filename), source.value))
        .split(sep)
        .join('/');
      if (target === '' || target.startsWith('..')) return; // outside src/, or src/ itself
      const why = layerViolation(from, roomOf(target));
      if (why !== undefined) {
        context.report({
          node: source,
          messageId: 'upward',
          data: { from, target, why, chain: layerChain() },
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      // new URL('./worker.js', import.meta.url): a worker thread or a module loaded by URL.
      NewExpression: (node) => {
        const [url, base] = node.arguments;
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'URL' &&
          base?.type === 'MemberExpression'
        ) {
          if (base.object.type === 'MetaProperty') check(url);
        }
      },
    };
  },
};

export const layersPlugin = { meta: { name: 'tokmix-layers' }, rules: { layers: rule } };
