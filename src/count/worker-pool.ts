// A fixed pool of counting worker threads: a shared task queue, plus per-worker queues for
// messages that must reach one particular worker (flushing the counts it holds). A watchdog stops
// the pool when a task outlives its time budget (a tokenizer regex backtracking) or the run's deadline.
import { Worker } from 'node:worker_threads';
import { UserError } from '../common/errors.js';
import type { Deadline } from '../common/deadline.js';
import type { WorkerReply, WorkerRequest } from './count-protocol.js';

type Body = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** What a watched task is, for the time budget and the error naming it. */
export interface TaskWatch {
  /** Bytes of text the task normalizes and pre-tokenizes (its budget grows with them). */
  bytes: number;
  /** The task in words, e.g. `one task of category fr (fr/a.txt)`. */
  label: string;
}

export interface PoolLimits {
  /** Milliseconds a watched task of `bytes` may take. */
  budgetMs: (bytes: number) => number;
  /** The error the run ends with when a watched task takes longer than `ms`. */
  overBudget: (label: string, ms: number) => Error;
  /** The run's deadline, and the stage named when it passes while the pool works. */
  deadline?: Deadline;
  stage?: string;
}

interface Pending {
  body: Body;
  watch?: TaskWatch;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; pending: Pending; timer?: NodeJS.Timeout };
  own: Pending[];
}

/** Default budget of one task: a floor generous for slow, shared machines plus time per MB. */
const BUDGET_FLOOR_MS = 30_000;
const BUDGET_PER_MB_MS = 15_000;

/**
 * Milliseconds one worker task over `bytes` of text may take: `fixedMs` when given, else
 * $TOKMIX_TASK_BUDGET_MS when set, else 30 s plus 15 s per MB (a 1 MB task takes well under 1 s).
 */
export function taskBudgetMs(bytes: number, fixedMs?: number): number {
  if (fixedMs !== undefined) return fixedMs;
  const env = process.env.TOKMIX_TASK_BUDGET_MS;
  if (env !== undefined && env.trim() !== '') {
    const ms = Number(env);
    if (!Number.isFinite(ms) || ms <= 0) {
      throw new UserError(
        `TOKMIX_TASK_BUDGET_MS=${env}: expected a positive number of milliseconds`,
        'TOKMIX_TASK_BUDGET_MS',
      );
    }
    return ms;
  }
  return BUDGET_FLOOR_MS + Math.ceil((BUDGET_PER_MB_MS * bytes) / (1 << 20));
}

/** A small young generation: the per-sequence strings die young, and V8 otherwise lets the heap
 *  grow by tens of MB per worker before collecting (counts live off-heap in typed arrays). */
const YOUNG_LIMIT = { maxYoungGenerationSizeMb: 4 };

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly shared: Pending[] = [];
  private nextId = 1;
  private failure: unknown;
  private closing = false;
  private deadlineTimer?: NodeJS.Timeout;

  constructor(
    size: number,
    private readonly limits?: PoolLimits,
  ) {
    const url = new URL('./count-worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: new Worker(url, { resourceLimits: YOUNG_LIMIT }), own: [] };
      slot.worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
      slot.worker.on('error', (error) => this.fail(error));
      slot.worker.on('exit', (code) => {
        if (code !== 0 && !this.closing && !this.failure)
          this.fail(new Error(`a counting worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
    const deadline = limits?.deadline;
    if (deadline?.limited) {
      this.deadlineTimer = setTimeout(
        () => this.stop(deadline.error(limits?.stage ?? 'running worker threads')),
        deadline.remainingMs(),
      );
      this.deadlineTimer.unref();
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs a request on whichever worker is free first; a `watch`ed one under the time budget. */
  run(body: Body, watch?: TaskWatch): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.shared.push({ body, watch, resolve, reject });
      this.dispatch();
    });
  }

  /** Runs a request on worker `index`, after the work it has in hand. */
  runOn(index: number, body: Body): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.slots[index].own.push({ body, resolve, reject });
      this.dispatch();
    });
  }

  /** Runs a request on every worker. */
  broadcast(body: Body): Promise<unknown[]> {
    return Promise.all(this.slots.map((_slot, index) => this.runOn(index, body)));
  }

  private dispatch(): void {
    if (this.failure) {
      this.fail(this.failure); // requests made after a failure end with it too
      return;
    }
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = slot.own.shift() ?? this.shared.shift();
      if (!next) continue;
      const id = this.nextId++;
      slot.busy = { id, pending: next };
      const { watch } = next;
      if (watch && this.limits) {
        const ms = this.limits.budgetMs(watch.bytes);
        slot.busy.timer = setTimeout(() => this.stop(this.limits!.overBudget(watch.label, ms)), ms);
        slot.busy.timer.unref();
      }
      slot.worker.postMessage({ ...next.body, id });
    }
  }

  /** Ends every task with `error` and terminates the workers (a stuck regex included). */
  private stop(error: unknown): void {
    this.fail(error);
    void this.close();
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const busy = slot.busy;
    if (!busy || busy.id !== reply.id) return;
    clearTimeout(busy.timer);
    slot.busy = undefined;
    if (reply.ok) busy.pending.resolve(reply.result);
    else {
      const error =
        reply.error.name === 'UserError'
          ? new UserError(reply.error.message, reply.error.input)
          : Object.assign(new Error(reply.error.message), { stack: reply.error.stack });
      busy.pending.reject(error);
    }
    this.dispatch();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const slot of this.slots) {
      clearTimeout(slot.busy?.timer);
      slot.busy?.pending.reject(error);
      slot.busy = undefined;
      for (const pending of slot.own.splice(0)) pending.reject(error);
    }
    for (const pending of this.shared.splice(0)) pending.reject(error);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.deadlineTimer);
    for (const slot of this.slots) clearTimeout(slot.busy?.timer);
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
