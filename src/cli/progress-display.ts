// Renders library progress events: a bar with rate and ETA per stage on a terminal (stderr),
// one line per finished stage when stderr is not a terminal, nothing at all when silent.
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../common/progress.js';

function formatAmount(value: number, unit: ProgressEvent['unit']): string {
  if (unit !== 'bytes') return `${Math.round(value)} ${unit}`;
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} GB`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} MB`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} KB`;
  return `${value} B`;
}

interface StageState {
  bar?: cliProgress.SingleBar;
  started: number;
  last: ProgressEvent;
  finished: boolean;
}

export class ProgressDisplay {
  private readonly silent: boolean;
  private readonly tty: boolean;
  private multibar?: cliProgress.MultiBar;
  private readonly stages = new Map<string, StageState>();

  constructor(options: { silent: boolean }) {
    this.silent = options.silent;
    this.tty = Boolean(process.stderr.isTTY);
  }

  /** The callback to hand to library functions. */
  readonly callback = (event: ProgressEvent): void => {
    if (this.silent) return;
    let state = this.stages.get(event.stage);
    if (!state) {
      state = { started: Date.now(), last: event, finished: false };
      this.stages.set(event.stage, state);
      if (this.tty) {
        this.multibar ??= new cliProgress.MultiBar(
          {
            stream: process.stderr,
            clearOnComplete: false,
            hideCursor: true,
            format: '{stage} [{bar}] {percentage}% {amount} | {rate} | ETA {eta_formatted} {detail}',
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        state.bar = this.multibar.create(Math.max(event.total, 1), 0, this.payload(event, state));
      }
    }
    state.last = event;
    state.bar?.setTotal(Math.max(event.total, 1));
    state.bar?.update(event.done, this.payload(event, state));
    if (event.total > 0 && event.done >= event.total && !state.finished) {
      state.finished = true;
      if (!this.tty) this.printLine(event, state);
    }
  };

  private payload(event: ProgressEvent, state: StageState): Record<string, string> {
    const seconds = Math.max((Date.now() - state.started) / 1000, 1e-3);
    return {
      stage: event.stage.padEnd(8),
      amount: `${formatAmount(event.done, event.unit)}/${formatAmount(event.total, event.unit)}`,
      rate: `${formatAmount(event.done / seconds, event.unit)}/s`,
      detail: event.detail ?? '',
    };
  }

  private printLine(event: ProgressEvent, state: StageState): void {
    const seconds = (Date.now() - state.started) / 1000;
    const detail = event.detail ? ` (${event.detail})` : '';
    process.stderr.write(
      `tokmix: ${event.stage}: ${formatAmount(event.done, event.unit)} in ${seconds.toFixed(1)} s${detail}\n`,
    );
  }

  stop(): void {
    if (!this.tty) {
      for (const state of this.stages.values()) {
        if (!state.finished) {
          state.finished = true;
          this.printLine(state.last, state);
        }
      }
    }
    this.multibar?.stop();
    this.multibar = undefined;
  }
}
