// Benchmark-style check: `npm run bench -- kill-nine [kills-per-command] [seed] [commands] [lines]` kills
// infer, train and validate with SIGKILL at random moments and reports where each kill landed,
// what --out held, the temp files left behind, and every failure (half-written output, or a re-run
// on the killed run's cache disagreeing with a clean run). Exits 1 when anything failed.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KillCommand, killNine } from '../test/fuzz/kill-nine.js';

const here = dirname(fileURLToPath(import.meta.url)); // <root>/<dist>/bench
const root = join(here, '..', '..');
const kills = Number(process.argv[2] ?? 8);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const commands = (process.argv[4] ?? 'infer,train,validate').split(',') as KillCommand[];
// Longer categories than the test's, so more kills land past the CLI's start-up.
const linesPerCategory = Number(process.argv[5] ?? 20000);
console.log(`kill-nine: seed ${seed}, ${kills} kills per command (${commands.join(', ')})`);
const report = await killNine({
  root,
  dist: relative(root, join(here, '..')),
  commands,
  kills,
  seed,
  linesPerCategory,
  log: (line) => console.log(line),
});
const stages = new Map<string, number>();
for (const kill of report.kills) {
  const key = `${kill.command} ${kill.stage}`;
  stages.set(key, (stages.get(key) ?? 0) + 1);
}
console.log(
  `\n${report.kills.filter((k) => k.killed).length} kills in ${report.kills.length} runs; where they landed:`,
);
for (const [key, n] of [...stages].sort()) console.log(`  ${String(n).padStart(3)}  ${key}`);
const left = report.kills.filter((k) => k.leftovers.length > 0);
console.log(`kills that left tokmix temp files: ${left.length}`);
for (const kill of left) console.log(`  ${kill.command} at ${kill.delayMs} ms: ${kill.leftovers.join(', ')}`);
console.log(`failures: ${report.failures.length}`);
for (const failure of report.failures) console.log(`  ${failure}`);
process.exit(report.failures.length > 0 ? 1 : 0);
