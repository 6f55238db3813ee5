import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import {
  ProgressDisplay,
  formatDuration,
  formatRate,
  progressFields,
} from '../../src/cli/progress-display.js';

function sink(isTTY: boolean): Writable & { text: string; isTTY: boolean } {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string; isTTY: boolean };
  stream.text = '';
  stream.isTTY = isTTY;
  return stream;
}

test('not a terminal: one line per stage with amount, time and rate', () => {
  const stream = sink(false);
  let clock = 0;
  const display = new ProgressDisplay({ silent: false, stream, now: () => clock });
  display.callback({ stage: 'count', done: 0, total: 4e6, unit: 'bytes' });
  clock = 1000;
  display.callback({ stage: 'count', done: 2e6, total: 4e6, unit: 'bytes', detail: 'English' });
  display.callback({ stage: 'replay', done: 0, total: 3000, unit: 'merges' });
  clock = 2000;
  display.callback({ stage: 'count', done: 4e6, total: 4e6, unit: 'bytes' });
  assert.equal(stream.text, 'tokmix: count: 4.0 MB in 2.0 s, 2.0 MB/s\n');
  clock = 4000;
  display.callback({ stage: 'replay', done: 3000, total: 3000, unit: 'merges' });
  // A stage of unknown total is reported when the display stops.
  display.callback({ stage: 'solve', done: 3, total: 0, unit: 'rounds', detail: 'highs' });
  clock = 5000;
  display.stop();
  assert.deepEqual(stream.text.trimEnd().split('\n'), [
    'tokmix: count: 4.0 MB in 2.0 s, 2.0 MB/s',
    'tokmix: replay: 3,000 merges in 3.0 s, 1,000 merges/s',
    'tokmix: solve: 3 rounds in 1.0 s, 3.0 rounds/s (highs)',
  ]);
});

test('not a terminal: a long stage prints a running line at most once a minute, then its finished line', () => {
  const stream = sink(false);
  let clock = 0;
  const display = new ProgressDisplay({ silent: false, stream, now: () => clock });
  display.callback({ stage: 'validate', done: 0, total: 30, unit: 'trials' });
  display.callback({ stage: 'solve', done: 0, total: 0, unit: 'rounds' });
  for (let done = 1; done < 30; done++) {
    clock = done * 20_000;
    display.callback({ stage: 'validate', done, total: 30, unit: 'trials' });
    // A stage of unknown total gets running lines too, without an ETA.
    if (done === 10) display.callback({ stage: 'solve', done: 9, total: 0, unit: 'rounds', detail: 'highs' });
  }
  clock = 600_000;
  display.callback({ stage: 'validate', done: 30, total: 30, unit: 'trials' });
  assert.deepEqual(stream.text.trimEnd().split('\n'), [
    'tokmix: validate: 3 of 30 trials after 1 min 0 s, ETA 9 min 0 s',
    'tokmix: validate: 6 of 30 trials after 2 min 0 s, ETA 8 min 0 s',
    'tokmix: validate: 9 of 30 trials after 3 min 0 s, ETA 7 min 0 s',
    'tokmix: solve: 9 rounds after 3 min 20 s (highs)',
    'tokmix: validate: 12 of 30 trials after 4 min 0 s, ETA 6 min 0 s',
    'tokmix: validate: 15 of 30 trials after 5 min 0 s, ETA 5 min 0 s',
    'tokmix: validate: 18 of 30 trials after 6 min 0 s, ETA 4 min 0 s',
    'tokmix: validate: 21 of 30 trials after 7 min 0 s, ETA 3 min 0 s',
    'tokmix: validate: 24 of 30 trials after 8 min 0 s, ETA 2 min 0 s',
    'tokmix: validate: 27 of 30 trials after 9 min 0 s, ETA 1 min 0 s',
    'tokmix: validate: 30 trials in 10 min 0 s, 0.1 trials/s',
  ]);
});

test('an event delivered late is timed by when it happened, not when it arrived', () => {
  const stream = sink(false);
  const display = new ProgressDisplay({ silent: false, stream, now: () => 60_000 });
  display.callback({ stage: 'fetch', done: 0, total: 20e6, unit: 'bytes', at: 1000 });
  display.callback({ stage: 'fetch', done: 20e6, total: 20e6, unit: 'bytes', at: 3000, detail: 'quran' });
  assert.equal(stream.text, 'tokmix: fetch: 20.0 MB in 2.0 s, 10.0 MB/s (quran)\n');
});

test('silent (--json): nothing at all', () => {
  const stream = sink(true);
  const display = new ProgressDisplay({ silent: true, stream });
  display.callback({ stage: 'count', done: 5, total: 10, unit: 'items' });
  display.callback({ stage: 'count', done: 10, total: 10, unit: 'items' });
  display.stop();
  assert.equal(stream.text, '');
});

test('terminal bar fields: amount of total, rate and ETA', () => {
  const fields = progressFields({ stage: 'replay', done: 500, total: 1000, unit: 'merges' }, 2);
  assert.deepEqual(fields, {
    stage: 'replay  ',
    amount: '500 merges/1,000 merges',
    rate: '250 merges/s',
    eta: '2.0 s',
    detail: '',
  });
  const unknown = progressFields({ stage: 'count', done: 3e6, total: 0, unit: 'bytes', detail: 'python' }, 1);
  assert.equal(unknown.amount, '3.0 MB');
  assert.equal(unknown.eta, '?');
  assert.equal(unknown.detail, 'python');
});

test('rates and durations read naturally', () => {
  assert.equal(formatRate(2.5, 'rounds'), '2.5 rounds/s');
  assert.equal(formatRate(1.5e6, 'bytes'), '1.5 MB/s');
  assert.equal(formatDuration(75), '1 min 15 s');
  assert.equal(formatDuration(7260), '2 h 1 min');
  assert.equal(formatDuration(NaN), '?');
});

test('a run that fails prints no summary of its unfinished stage, even when stopped again', () => {
  const stream = sink(false);
  let clock = 0;
  const display = new ProgressDisplay({ silent: false, stream, now: () => clock });
  display.callback({ stage: 'count', done: 0, total: 4e6, unit: 'bytes' });
  clock = 1000;
  display.stop(true);
  display.stop(); // the command's `finally` stops it once more
  assert.equal(stream.text, '');
});
