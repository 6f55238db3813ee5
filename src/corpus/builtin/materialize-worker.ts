// Worker thread of materializeSetInBackground (sets.ts): materializes one group of the built-in
// sets into the cache folder while the main thread loads the tokenizer, forwarding its progress
// (fetching a data package). A failure is only reported as not ok: the main thread then builds
// the group itself and reports the error.
import { parentPort, workerData } from 'node:worker_threads';
import { type Group, materializeGroup } from './sets.js';
import { readRecipes } from './locate.js';

const { group, cacheDir } = workerData as { group: Group; cacheDir: string };
let ok = true;
try {
  // Each event carries its own time: the main thread, busy loading the tokenizer, may read them late.
  await materializeGroup(group, readRecipes(), cacheDir, (event) =>
    parentPort!.postMessage({ event: { ...event, at: Date.now() } }),
  );
} catch {
  ok = false;
}
parentPort!.postMessage({ ok });
