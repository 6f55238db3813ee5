// A fixed pool of counting worker threads: a shared task queue, plus per-worker queues for
// messages that must reach one particular worker (flushing the counts it holds).
import { Worker } from 'node:worker_threads';
import { UserError } from '../common/errors.js';
import type { WorkerReply, WorkerRequest } from './count-protocol.js';

type Body = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

interface Pending {
  body: Body;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; pending: Pending };
  own: Pending[];
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

  constructor(size: number) {
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
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs a request on whichever worker is free first. */
  run(body: Body): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.shared.push({ body, resolve, reject });
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
    if (this.failure) return;
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = slot.own.shift() ?? this.shared.shift();
      if (!next) continue;
      const id = this.nextId++;
      slot.busy = { id, pending: next };
      slot.worker.postMessage({ ...next.body, id });
    }
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const busy = slot.busy;
    if (!busy || busy.id !== reply.id) return;
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
      slot.busy?.pending.reject(error);
      slot.busy = undefined;
      for (const pending of slot.own.splice(0)) pending.reject(error);
    }
    for (const pending of this.shared.splice(0)) pending.reject(error);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
