// What reaches the terminal: names come from folders, manifests, flags and tokenizer files, so a
// control character in one (an escape sequence that sets the window title or clears the screen, a
// newline that splits a table row or an error) is shown escaped, never sent raw. The escapes are
// JSON's (`\u001b`, `\n`), so text that is JSON stays the same JSON.

/** C0 and C1 controls, DEL, the line and paragraph separators and the bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, less newline and tab: text of several lines keeps its layout. */
const CONTROLS_BUT_LAYOUT =
  // eslint-disable-next-line no-control-regex -- as above
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escapeOne(char: string): string {
  return SHORT[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` on one line: every control character, newlines included, escaped. */
export function oneLine(text: string): string {
  return text.replace(CONTROLS, escapeOne);
}

/** `text` with its control characters escaped except newlines and tabs. */
export function withoutControls(text: string): string {
  return text.replace(CONTROLS_BUT_LAYOUT, escapeOne);
}

type Write = typeof process.stdout.write;

let raw: { stdout: Write; stderr: Write } | undefined;

/** Escapes what `write` is given before it reaches the stream; `escape` decides how. */
function guardedWrite(stream: NodeJS.WriteStream, write: Write, escape: (text: string) => string): Write {
  return function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    return (write as (...args: unknown[]) => boolean).call(stream, escape(text), ...rest);
  } as Write;
}

/**
 * Makes every later write to stdout and stderr show control characters escaped (newlines and tabs
 * kept): the one place where tables, summaries, notes, progress lines and errors meet the
 * terminal. Idempotent. Returns the raw writers, for the progress bars' own cursor movements and
 * for files written byte for byte to stdout (`tokenizers export`).
 */
export function guardTerminal(): { stdout: Write; stderr: Write } {
  if (raw) return raw;
  raw = {
    stdout: process.stdout.write.bind(process.stdout),
    stderr: process.stderr.write.bind(process.stderr),
  };
  process.stdout.write = guardedWrite(process.stdout, raw.stdout, withoutControls);
  process.stderr.write = guardedWrite(process.stderr, raw.stderr, withoutControls);
  return raw;
}

/** The unguarded writer of `stream` (the stream's own before guardTerminal). */
export function rawWrite(stream: 'stdout' | 'stderr'): Write {
  return raw?.[stream] ?? process[stream].write.bind(process[stream]);
}
