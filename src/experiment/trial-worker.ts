// Worker-thread entry for one trial: validate runs up to --jobs of these at once (each trial is
// single-threaded JavaScript apart from native training), posting progress and the scored trial.
import { parentPort, workerData } from 'node:worker_threads';
import { Cache } from '../common/cache.js';
import { runTrial, type TrialSettings } from './trial.js';
import type { CategorySpec } from '../corpus/types.js';

export interface TrialWorkerData {
  settings: TrialSettings;
  categories: CategorySpec[];
  workDir: string;
  cacheDir?: string;
  countJobs: number;
}

export type TrialWorkerMessage =
  | { type: 'progress'; detail: string }
  | { type: 'done'; trial: Awaited<ReturnType<typeof runTrial>> }
  | { type: 'error'; message: string; name: string; stack?: string };

const data = workerData as TrialWorkerData;
const post = (message: TrialWorkerMessage) => parentPort!.postMessage(message);

try {
  const trial = await runTrial(data.settings, {
    categories: data.categories,
    workDir: data.workDir,
    cache: data.cacheDir ? new Cache(data.cacheDir) : undefined,
    countJobs: data.countJobs,
    onProgress: (event) => {
      if (event.detail) post({ type: 'progress', detail: event.detail });
    },
  });
  post({ type: 'done', trial });
} catch (error) {
  const e = error as Error;
  post({ type: 'error', message: e?.message ?? String(error), name: e?.name ?? 'Error', stack: e?.stack });
}
