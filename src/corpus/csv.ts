// A strict, streaming CSV/TSV reader over raw bytes: keeps only the text column's field (at most
// `maxFieldBytes`, longer ones cut at a character boundary) and fails on malformed quoting or rows
// whose field count differs from the header's, naming the line, instead of folding rows together.
import { UserError } from '../common/errors.js';
import { cutPoint } from './utf8.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE_BYTES = Buffer.from('"');
const CR_BYTES = Buffer.from('\r');

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: either the first of "" or the closing one. */
  QuoteInQuoted,
}

/** One data row's text: its bytes (cut at `maxFieldBytes` when `cut`) and the line it starts on. */
export type CsvRowVisitor = (bytes: Buffer, cut: boolean, line: number) => void;

export class CsvReader {
  private state = State.FieldStart;
  private line = 1;
  private rowLine = 1;
  private quoteLine = 1;
  private field = 0;
  /** Index of the text column; -1 while the header is being read. */
  private textIndex = -1;
  private header: string[] | undefined = [];
  private headerBytes = 0;
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  /** Whether the current field is kept (the text column, or any header field). */
  private keeping = false;
  private pendingCr = false;
  /** The held-back \r came right after a closing quote: only a newline may follow it. */
  private quotedCr = false;
  private rowHasContent = false;
  /** The current row's text field, once read. */
  private textBytes: Buffer | undefined;
  /** The header's field count, which every row must have. */
  private columns = 0;
  private readonly delimiter: number;

  constructor(
    private readonly path: string,
    format: 'csv' | 'tsv',
    private readonly column: string,
    private readonly maxFieldBytes: number,
    private readonly visit: CsvRowVisitor,
  ) {
    this.delimiter = format === 'tsv' ? 0x09 : 0x2c;
  }

  /** Parses the next chunk of the file's bytes. */
  push(chunk: Buffer): void {
    const delimiter = this.delimiter;
    let segment = 0; // start of the kept field's bytes not yet appended
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const byte = chunk[i];
      switch (this.state) {
        case State.FieldStart:
          this.startField();
          if (byte === QUOTE) {
            this.state = State.Quoted;
            this.quoteLine = this.line;
            segment = i + 1;
            continue;
          }
          this.state = State.Unquoted;
          segment = i;
          i--; // the byte is read again as the unquoted field's first
          break;
        case State.Unquoted:
          if (this.pendingCr) {
            this.pendingCr = false;
            if (byte !== LF) {
              if (this.quotedCr) throw this.strayQuote();
              this.append(CR_BYTES, 0, 1);
              this.rowHasContent = true;
            }
            this.quotedCr = false;
          }
          if (byte === delimiter) {
            this.append(chunk, segment, i);
            this.endField();
          } else if (byte === LF) {
            this.append(chunk, segment, i);
            this.line++;
            this.endRow();
          } else if (byte === CR) {
            // Held back: dropped when a newline follows (\r\n rows), kept otherwise.
            this.append(chunk, segment, i);
            this.pendingCr = true;
            segment = i + 1;
          } else {
            this.rowHasContent = true;
          }
          break;
        case State.Quoted:
          if (byte === QUOTE) {
            this.append(chunk, segment, i);
            this.state = State.QuoteInQuoted;
          } else {
            if (byte === LF) this.line++;
            this.rowHasContent = true;
          }
          break;
        case State.QuoteInQuoted:
          if (byte === QUOTE) {
            this.append(QUOTE_BYTES, 0, 1);
            this.rowHasContent = true;
            this.state = State.Quoted;
            segment = i + 1;
          } else if (byte === delimiter) this.endField();
          else if (byte === LF) {
            this.line++;
            this.endRow();
          } else if (byte === CR) {
            this.pendingCr = true;
            this.quotedCr = true;
            this.state = State.Unquoted;
            segment = i + 1;
          } else throw this.strayQuote();
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.append(chunk, segment, n);
  }

  /** Finishes the file: the last row may lack its newline; an open quote is an error. */
  end(): void {
    if (this.state === State.Quoted) {
      throw new UserError(
        `${this.path}: line ${this.quoteLine}: a quoted field is never closed (it runs to the end of the file); close it with " or double each " inside it ("")`,
        this.path,
      );
    }
    if (this.state !== State.FieldStart || this.field > 0) this.endRow();
  }

  private startField(): void {
    if (this.field === 0) this.rowLine = this.line;
    this.keeping = this.header !== undefined || this.field === this.textIndex;
    this.pieces = [];
    this.pieceBytes = 0;
  }

  /** Keeps bytes of the current field, up to one byte past the cap (enough to find the cut). */
  private append(bytes: Buffer, from: number, to: number): void {
    if (!this.keeping || to <= from) return;
    const room = this.maxFieldBytes + 1 - this.pieceBytes;
    if (room <= 0) return;
    const end = Math.min(to, from + room);
    this.pieces.push(bytes.subarray(from, end));
    this.pieceBytes += end - from;
  }

  private fieldBytes(): Buffer {
    return this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.pieceBytes);
  }

  private endField(): void {
    if (this.header) {
      this.headerBytes += this.pieceBytes + 1;
      if (this.headerBytes > this.maxFieldBytes) {
        throw new UserError(
          `${this.path}: the header row is longer than ${this.maxFieldBytes} bytes; is this really a ${this.delimiter === 0x09 ? 'TSV' : 'CSV'} file?`,
          this.path,
        );
      }
      this.header.push(this.fieldBytes().toString('utf8').trim());
    } else if (this.field === this.textIndex) this.textBytes = this.fieldBytes();
    this.field++;
    this.pieces = [];
    this.pieceBytes = 0;
    this.state = State.FieldStart;
  }

  private endRow(): void {
    this.endField();
    const fields = this.field;
    this.field = 0;
    // A row that is one empty field is an empty line: skipped, as papaparse's skipEmptyLines does.
    const empty = fields === 1 && !this.rowHasContent;
    this.rowHasContent = false;
    if (this.header) {
      if (empty) {
        this.header = [];
        this.headerBytes = 0;
        return;
      }
      this.checkColumn(this.header);
      return;
    }
    const text = this.textBytes;
    this.textBytes = undefined;
    if (empty) return;
    const expected = this.columns;
    if (fields !== expected) {
      throw new UserError(
        `${this.path}: line ${this.rowLine}: ${fields} field${fields === 1 ? '' : 's'} where the header has ${expected}; quote fields holding ${this.delimiter === 0x09 ? 'tabs' : 'commas'}, newlines or quotes, and double each " inside them`,
        this.path,
      );
    }
    const bytes = text ?? Buffer.alloc(0);
    if (bytes.length <= this.maxFieldBytes) this.visit(bytes, false, this.rowLine);
    else this.visit(bytes.subarray(0, cutPoint(bytes, this.maxFieldBytes)), true, this.rowLine);
  }

  private checkColumn(fields: string[]): void {
    const index = fields.indexOf(this.column);
    if (index < 0) {
      throw new UserError(
        `${this.path}: no column "${this.column}" (columns: ${fields.join(', ') || 'none'}); pass --text-column with one of them`,
        this.path,
      );
    }
    this.textIndex = index;
    this.columns = fields.length;
    this.header = undefined;
  }

  private strayQuote(): UserError {
    return new UserError(
      `${this.path}: line ${this.line}: text after the closing quote of a quoted field; double each " inside a quoted field ("") or quote the whole field`,
      this.path,
    );
  }
}
