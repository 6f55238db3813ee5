// Realistic result fixtures built in code: ~36 categories of three kinds in several scripts,
// with shares drawn from a fixed seed so every test sees the same numbers.
import type { CategoryKind } from '../../src/corpus/types.js';
import type { CategoryResult, InferResult, ValidationResult } from '../../src/report/result.js';

interface Cat {
  name: string;
  kind: CategoryKind;
  language?: string;
  script?: string;
}

export const CATEGORIES: Cat[] = [
  { name: 'English', kind: 'language', language: 'en', script: 'Latn' },
  { name: 'Deutsch', kind: 'language', language: 'de', script: 'Latn' },
  { name: 'Français', kind: 'language', language: 'fr', script: 'Latn' },
  { name: 'Español', kind: 'language', language: 'es', script: 'Latn' },
  { name: 'Čeština', kind: 'language', language: 'cs', script: 'Latn' },
  { name: 'Tiếng Việt', kind: 'language', language: 'vi', script: 'Latn' },
  { name: 'Русский', kind: 'language', language: 'ru', script: 'Cyrl' },
  { name: 'Українська', kind: 'language', language: 'uk', script: 'Cyrl' },
  { name: 'Ελληνικά', kind: 'language', language: 'el', script: 'Grek' },
  { name: 'العربية', kind: 'language', language: 'ar', script: 'Arab' },
  { name: 'עברית', kind: 'language', language: 'he', script: 'Hebr' },
  { name: 'हिन्दी', kind: 'language', language: 'hi', script: 'Deva' },
  { name: 'বাংলা', kind: 'language', language: 'bn', script: 'Beng' },
  { name: 'ไทย', kind: 'language', language: 'th', script: 'Thai' },
  { name: '中文', kind: 'language', language: 'zh', script: 'Hans' },
  { name: '日本語', kind: 'language', language: 'ja', script: 'Jpan' },
  { name: '한국어', kind: 'language', language: 'ko', script: 'Kore' },
  { name: 'ქართული', kind: 'language', language: 'ka', script: 'Geor' },
  { name: 'ꦧꦱꦗꦮ', kind: 'language', language: 'jv', script: 'Java' },
  { name: 'Kiswahili', kind: 'language', language: 'sw', script: 'Latn' },
  { name: 'python', kind: 'code' },
  { name: 'javascript', kind: 'code' },
  { name: 'typescript', kind: 'code' },
  { name: 'java', kind: 'code' },
  { name: 'c++', kind: 'code' },
  { name: 'rust', kind: 'code' },
  { name: 'go', kind: 'code' },
  { name: 'shell', kind: 'code' },
  { name: 'markdown', kind: 'code' },
  { name: 'web', kind: 'domain' },
  { name: 'books', kind: 'domain' },
  { name: 'academic', kind: 'domain' },
  { name: 'wikipedia', kind: 'domain' },
  { name: 'reddit', kind: 'domain' },
  { name: 'legal', kind: 'domain' },
  { name: 'email, spam', kind: 'domain' },
];

/** A small deterministic generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeInferResult(
  options: { tokenizer?: string; seed?: number; categories?: Cat[] } = {},
): InferResult {
  const random = seeded(options.seed ?? 1);
  const cats = options.categories ?? CATEGORIES;
  const weights = cats.map((_, i) => (i === 0 ? 8 : 1) * Math.pow(random(), 3) + 0.002);
  const total = weights.reduce((a, b) => a + b, 0);
  const byteShares = weights.map((w) => w / total);
  const bytesPerPair = cats.map(() => 1 + random() * 2);
  const pairRaw = byteShares.map((s, i) => s / bytesPerPair[i]);
  const pairTotal = pairRaw.reduce((a, b) => a + b, 0);
  const categories: CategoryResult[] = cats.map((c, i) => ({
    ...c,
    bytes: Math.round(1e6 * bytesPerPair[i]),
    pairs: 1e6,
    pairShare: pairRaw[i] / pairTotal,
    byteShare: byteShares[i],
    ...(i % 7 === 3
      ? { byteShareRange: [byteShares[i] * 0.8, byteShares[i] * 1.15] as [number, number] }
      : {}),
  }));
  return {
    schemaVersion: 1,
    kind: 'tokmix-infer-result',
    tokenizer: {
      name: options.tokenizer ?? 'gpt2',
      source: 'builtin:gpt2',
      format: 'hf-tokenizer-json',
      alphabet: 'byte-level',
      mergesUsed: 30000,
      mergesAvailable: 50000,
    },
    categorySet: 'builtin-mixed',
    categories,
    solver: {
      backend: 'highs',
      objective: 0.0123,
      slackTotal: 0.0123,
      rounds: 7,
      constraints: 5123,
      variables: 3200,
      seconds: 12.5,
      sweepSeconds: 8.1,
      lpSeconds: 4.4,
      unique: false,
      note: 'two categories share the optimal face',
      unexplainedMerges: [
        { step: 12, merge: ['Ġ', 't'], slack: 0.0041 },
        { step: 907, merge: ['<', '/'], slack: 0.0022 },
        { step: 25012, merge: ['ä¸', 'Ń'], slack: 0.0011 },
      ],
    },
    options: { merges: 30000, bytesPerCategory: 1e6, solver: 'highs' },
    tool: { name: 'tokmix', version: '0.1.0' },
    createdAt: '2026-11-28T14:00:00.000Z',
  };
}

export function makeValidationResult(): ValidationResult {
  const random = seeded(7);
  const methods = ['tokmix', 'tokmix (no slack)', 'pair-frequency baseline', 'random guess'];
  const ns = [5, 10, 30, 112];
  const rows = [];
  for (const [m, method] of methods.entries()) {
    for (const n of ns) {
      rows.push({
        method,
        n,
        trials: 10,
        meanLog10Mse: -7 + m * 1.6 + Math.log10(n) * (m === 3 ? -0.5 : 0.7) + random() * 0.2,
        sdLog10Mse: 0.15 + random() * 0.4,
      });
    }
  }
  return {
    schemaVersion: 1,
    kind: 'tokmix-validation',
    set: 'builtin-mixed',
    options: { trials: 10, merges: 3000 },
    rows,
    trials: [
      {
        n: 5,
        trial: 0,
        seed: 1,
        categories: ['English', 'python', 'Русский', 'web', '中文'],
        truth: [0.4, 0.2, 0.2, 0.1, 0.1],
        candidates: ['English', 'python', 'Русский', 'web', '中文'],
        estimates: { tokmix: [0.41, 0.19, 0.2, 0.1, 0.1] },
        log10Mse: { tokmix: -4.3 },
        seconds: { train: 1, count: 1, replay: 1, solve: 1, baselines: 0.1 },
      },
    ],
    tool: { name: 'tokmix', version: '0.1.0' },
    createdAt: '2026-11-28T14:00:00.000Z',
  };
}

/** makeInferResult with bootstrap intervals, replicates and shares at three merge prefixes. */
export function makeBootstrapResult(options: { tokenizer?: string; seed?: number } = {}): InferResult {
  const base = makeInferResult(options);
  const random = seeded((options.seed ?? 1) + 100);
  const B = 20;
  const replicates = Array.from({ length: B }, () => {
    const raw = base.categories.map((c) => c.byteShare * (0.8 + 0.4 * random()));
    const total = raw.reduce((a, b) => a + b, 0);
    return raw.map((v) => v / total);
  });
  const categories = base.categories.map((c, i) => {
    const values = replicates.map((r) => r[i]).sort((a, b) => a - b);
    const lo = Math.min(values[1], c.byteShare);
    const hi = Math.max(values[B - 2], c.byteShare);
    // The first category drifts with the merges far more than its interval is wide.
    const drift = (hi - lo) * (i === 0 ? 2 : 0.2);
    return {
      ...c,
      byteShareCI: [lo, hi] as [number, number],
      pairShareCI: [c.pairShare * 0.9, c.pairShare * 1.1] as [number, number],
      byteShareByMerges: [c.byteShare + drift, c.byteShare + drift / 2, c.byteShare],
    };
  });
  return {
    ...base,
    categories,
    bootstrap: {
      replicates: B,
      level: 0.9,
      method: 'percentile',
      seconds: 42.5,
      merges: [10000, 20000, 30000],
      byteShareReplicates: replicates,
    },
  };
}
