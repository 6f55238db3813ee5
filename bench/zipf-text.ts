// Text-like records for the reading benchmarks: Zipf-ish words over a seeded vocabulary, sentences
// of a given length range; reproducible from the seed (formats.ts, hub-ranges.ts).

/** Records of `minWords`..`minWords+spreadWords` words until `bytes` characters are made. */
export function zipfRecords(bytes: number, minWords = 20, spreadWords = 400, seed = 12345): string[] {
  let state = seed;
  const random = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
  const vocabulary = Array.from({ length: 20000 }, () =>
    Array.from({ length: 2 + Math.floor(random() * 8) }, () =>
      String.fromCharCode(97 + Math.floor(random() * 26)),
    ).join(''),
  );
  const texts: string[] = [];
  for (let size = 0; size < bytes;) {
    let text = '';
    for (let n = minWords + Math.floor(random() * spreadWords); n > 0; n--) {
      text += vocabulary[Math.floor(vocabulary.length * random() ** 3)] + (random() < 0.08 ? '. ' : ' ');
    }
    texts.push(text);
    size += text.length;
  }
  return texts;
}
