// Renders library progress events: a bar with rate and ETA per stage on a terminal (stderr),
// one line per finished stage when stderr is not a terminal (and a line a minute while a stage
// runs, so a long run in a log shows it is alive), nothing at all when silent (--json).
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../common/progress.js';
import { oneLine, rawWrite } from './terminal-text.js';

export function formatAmount(value: number, unit: ProgressEvent['unit']): string {
  if (unit !== 'bytes') return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} GB`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} MB`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} KB`;
  return `${Math.round(value)} B`;
}

/** A rate such as `3.2 MB/s` or `120 merges/s` (`12.5 rounds/s` below ten a second). */
export function formatRate(perSecond: number, unit: ProgressEvent['unit']): string {
  if (unit !== 'bytes' && perSecond < 10) return `${perSecond.toFixed(1)} ${unit}/s`;
  return `${formatAmount(perSecond, unit)}/s`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The fields of a stage's bar: amount done (of total), rate, ETA, detail. */
export function progressFields(event: ProgressEvent, elapsedSeconds: number): Record<string, string> {
  const seconds = Math.max(elapsedSeconds, 1e-3);
  const rate = event.done / seconds;
  const remaining = event.total > 0 && rate > 0 ? (event.total - event.done) / rate : NaN;
  return {
    stage: oneLine(event.stage).padEnd(8),
    amount:
      event.total > 0
        ? `${formatAmount(event.done, event.unit)}/${formatAmount(event.total, event.unit)}`
        : formatAmount(event.done, event.unit),
    rate: formatRate(rate, event.unit),
    eta: event.done >= event.total && event.total > 0 ? '0 s' : formatDuration(remaining),
    detail: oneLine(event.detail ?? ''),
  };
}

/** The stream the bars draw on: stderr's own writer, past the guard that escapes control
 *  characters (the bars move the cursor; their fields are escaped in progressFields). */
function barStream(stream: NodeJS.WritableStream): NodeJS.WritableStream {
  if (stream !== process.stderr) return stream;
  const write = rawWrite('stderr');
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') return write;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Off a terminal, a running stage's line at most this often (a Slurm or CI log's sign of life). */
export const RUNNING_LINE_MS = 60_000;

interface StageState {
  bar?: cliProgress.SingleBar;
  started: number;
  last: ProgressEvent;
  finished: boolean;
  /** When this stage's last running line was printed (off a terminal). */
  lineAt?: number;
}

export interface ProgressDisplayOptions {
  /** Print nothing (under --json stdout carries only JSON, and stderr stays quiet too). */
  silent: boolean;
  /** Where to draw; stderr by default (never stdout). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Bars (true) or one line per stage (false); by default, whether the stream is a terminal. */
  tty?: boolean;
  /** The clock, in milliseconds (tests pass a fake one). */
  now?: () => number;
}

export class ProgressDisplay {
  private readonly silent: boolean;
  private readonly tty: boolean;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly now: () => number;
  private multibar?: cliProgress.MultiBar;
  private readonly stages = new Map<string, StageState>();

  constructor(options: ProgressDisplayOptions) {
    this.silent = options.silent;
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? Boolean(this.stream.isTTY);
    this.now = options.now ?? Date.now;
  }

  /** The callback to hand to library functions. */
  readonly callback = (event: ProgressEvent): void => {
    if (this.silent) return;
    let state = this.stages.get(event.stage);
    if (state?.finished && event.done < state.last.done) {
      // The stage runs again (e.g. a second solve): start it afresh.
      this.stages.delete(event.stage);
      state = undefined;
    }
    if (!state) {
      state = { started: this.timeOf(event), last: event, finished: false };
      this.stages.set(event.stage, state);
      if (this.tty) {
        this.multibar ??= new cliProgress.MultiBar(
          {
            stream: barStream(this.stream) as NodeJS.WriteStream,
            clearOnComplete: false,
            hideCursor: true,
            format: '{stage} [{bar}] {percentage}% {amount} | {rate} | ETA {eta} {detail}',
            etaBuffer: 50,
            fps: 8,
          },
          cliProgress.Presets.shades_classic,
        );
        state.bar = this.multibar.create(Math.max(event.total, 1), 0, this.payload(event, state));
      }
    }
    state.last = event;
    state.bar?.setTotal(Math.max(event.total, event.done, 1));
    state.bar?.update(event.done, this.payload(event, state));
    if (event.total > 0 && event.done >= event.total && !state.finished) {
      state.finished = true;
      if (!this.tty) this.printLine(event, state);
    } else if (!this.tty && !state.finished) {
      const at = this.timeOf(event);
      if (at - (state.lineAt ?? state.started) >= RUNNING_LINE_MS) {
        state.lineAt = at;
        this.printRunningLine(event, state);
      }
    }
  };

  /** A running stage off a terminal: how far, for how long, and the ETA when the total is known. */
  private printRunningLine(event: ProgressEvent, state: StageState): void {
    const fields = this.payload(event, state);
    const seconds = Math.max((this.timeOf(event) - state.started) / 1000, 0);
    const done =
      event.unit === 'bytes'
        ? formatAmount(event.done, 'bytes')
        : Math.round(event.done).toLocaleString('en-US');
    const amount = event.total > 0 ? `${done} of ${formatAmount(event.total, event.unit)}` : fields.amount;
    const eta = event.total > 0 ? `, ETA ${fields.eta}` : '';
    const detail = event.detail ? ` (${oneLine(event.detail)})` : '';
    this.stream.write(
      `tokmix: ${oneLine(event.stage)}: ${amount} after ${formatDuration(seconds)}${eta}${detail}\n`,
    );
  }

  /** When an event happened: its own time when it came late, else now. */
  private timeOf(event: ProgressEvent): number {
    return event.at ?? this.now();
  }

  private payload(event: ProgressEvent, state: StageState): Record<string, string> {
    return progressFields(event, (this.timeOf(event) - state.started) / 1000);
  }

  private printLine(event: ProgressEvent, state: StageState): void {
    const seconds = Math.max((this.timeOf(event) - state.started) / 1000, 0);
    const rate = seconds > 0 ? `, ${formatRate(event.done / seconds, event.unit)}` : '';
    const detail = event.detail ? ` (${oneLine(event.detail)})` : '';
    this.stream.write(
      `tokmix: ${oneLine(event.stage)}: ${formatAmount(event.done, event.unit)} in ${formatDuration(seconds)}${rate}${detail}\n`,
    );
  }

  /** Ends the display; `failed`: the run ended in an error, which is then its only line (an
   *  unfinished stage's summary is not printed). */
  stop(failed = false): void {
    for (const state of this.stages.values()) {
      if (!state.finished) {
        state.finished = true;
        if (!this.tty && !failed) this.printLine(state.last, state);
      }
    }
    this.multibar?.stop();
    this.multibar = undefined;
  }
}
