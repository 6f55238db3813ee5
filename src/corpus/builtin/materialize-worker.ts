// Worker thread of materializeSetInBackground (sets.ts): materializes groups of the built-in sets
// into the cache folder while the main thread loads the tokenizer, forwarding their progress
// (fetching a data package). A failure is only reported as not ok: the main thread then builds
// the group itself and reports the error.
import { parentPort, workerData } from 'node:worker_threads';
import { type Group, materializeGroup } from './sets.js';
import { readRecipes } from './locate.js';

const { groups, cacheDir } = workerData as { groups: Group[]; cacheDir: string };
const recipes = readRecipes();
for (const group of groups) {
  let ok = true;
  try {
    await materializeGroup(group, recipes, cacheDir, (event) => parentPort!.postMessage({ event }));
  } catch {
    ok = false;
  }
  parentPort!.postMessage({ group, ok });
}
