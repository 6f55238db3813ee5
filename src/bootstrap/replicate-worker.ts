// Worker-thread entry for bootstrap replicates: takes the shared input once (workerData), then
// runs the replicate indices it is sent and posts each one's shares back.
import { parentPort, workerData } from 'node:worker_threads';
import { runReplicate, type ReplicateInput, type ReplicateResult } from './replicate.js';

export type ReplicateWorkerMessage =
  | { type: 'done'; r: number; result: ReplicateResult }
  | { type: 'error'; r: number; message: string; name: string; stack?: string };

const input = workerData as ReplicateInput;

parentPort!.on('message', (r: number) => {
  runReplicate(input, r).then(
    (result) => parentPort!.postMessage({ type: 'done', r, result } satisfies ReplicateWorkerMessage),
    (error: unknown) => {
      const e = error as Error;
      parentPort!.postMessage({
        type: 'error',
        r,
        message: e?.message ?? String(error),
        name: e?.name ?? 'Error',
        stack: e?.stack,
      } satisfies ReplicateWorkerMessage);
    },
  );
});
