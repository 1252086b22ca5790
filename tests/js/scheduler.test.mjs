// The recognition scheduler (site/js/scheduler.js) without a browser: a pad that is only its
// three facts, a recognizer whose answers the test releases one by one, and a clock the test
// sets. What is checked is what the page would show: live results, the final answer, the
// "nothing to recognize" messages, errors and data-pending.

import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';

import { RecognitionScheduler } from '../../site/js/scheduler.js';

/** Lets the scheduler's awaits run: every resolved recognition is handled after this. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** What onFinal shows: the answer, with when the drawing was finished and the image given. */
const final = (result, strokeEndedAt, imageChosenAt = null) => [
  'final',
  result,
  { strokeEndedAt, imageChosenAt },
];

/** A scheduler with fakes around it; `calls` are the recognitions asked for, in order. */
function harness({ ready = true } = {}) {
  const pad = { hasInk: false, onlyDots: false, drawing: false };
  const clock = { now: 0 };
  const calls = [];
  const shown = [];
  const pending = [];
  const scheduler = new RecognitionScheduler({
    pad,
    recognize: () =>
      new Promise((resolve, reject) => {
        calls.push({ resolve, reject });
      }),
    now: () => clock.now,
    onLive: (result) => shown.push(['live', result]),
    onFinal: (result, started) => shown.push(['final', result, started]),
    onNothing: (reason) => shown.push(['nothing', reason]),
    onWaiting: () => shown.push(['waiting']),
    onError: (error) => shown.push(['error', error.message]),
    onPending: (value) => pending.push(value),
  });
  if (ready) scheduler.setReady(true);

  /** The pen goes down (or moves) and changes the pixels. */
  const draw = () => {
    pad.hasInk = true;
    pad.drawing = true;
    scheduler.inkChanged();
  };
  /** The pen lifts at `at` (the clock's time). */
  const lift = (at = clock.now) => {
    clock.now = at;
    pad.drawing = false;
    scheduler.finished();
  };
  return { pad, clock, calls, shown, pending, scheduler, draw, lift };
}

describe('RecognitionScheduler', () => {
  let page;
  beforeEach(() => {
    page = harness();
  });

  test('one recognition in flight: moves during it are coalesced into one more', async () => {
    const { calls, shown, scheduler, draw } = page;
    draw();
    draw();
    draw();
    assert.equal(calls.length, 1, 'only the first move starts a recognition');
    assert.equal(scheduler.pending, true);

    calls[0].resolve('first');
    await settle();
    assert.deepEqual(shown, [['live', 'first']], 'a result for older pixels still shows live');
    assert.equal(calls.length, 2, 'the newest pixels are recognized next, once');

    calls[1].resolve('second');
    await settle();
    assert.deepEqual(shown.at(-1), ['live', 'second']);
    assert.equal(calls.length, 2, 'nothing newer waits: no further recognition');
  });

  test('moves that stop while one is in flight need no second recognition', async () => {
    const { calls, shown, draw } = page;
    draw();
    calls[0].resolve('only');
    await settle();
    assert.deepEqual(shown, [['live', 'only']]);
    assert.equal(calls.length, 1);
  });

  test('the pen lifts while its pixels are recognized: that result is the final answer', async () => {
    const { calls, shown, scheduler, draw, lift } = page;
    draw();
    lift(1234);
    assert.equal(calls.length, 1, 'the recognition in flight is for these very pixels');
    assert.equal(scheduler.pending, true);

    calls[0].resolve('answer');
    await settle();
    assert.deepEqual(shown, [final('answer', 1234)]);
    assert.equal(scheduler.pending, false);
  });

  test('the latest drawing wins: a result for older pixels is never the final answer', async () => {
    const { calls, shown, draw, lift } = page;
    draw();
    draw(); // newer pixels while the first recognition is in flight
    lift(50);
    calls[0].resolve('stale');
    await settle();
    assert.deepEqual(shown, [], 'the stale result is not shown once the pen is up');
    assert.equal(calls.length, 2);

    calls[1].resolve('fresh');
    await settle();
    assert.deepEqual(shown, [final('fresh', 50)]);
  });

  test('a result already computed while drawing is shown at once when the pen lifts', async () => {
    const { calls, shown, draw, lift } = page;
    draw();
    calls[0].resolve('early');
    await settle();
    lift(99);
    assert.equal(calls.length, 1, 'no second recognition of the same pixels');
    assert.deepEqual(shown, [['live', 'early'], final('early', 99)]);
  });

  test('a dot or an empty pad is not recognized', () => {
    const { pad, calls, shown, scheduler, lift } = page;
    pad.hasInk = true;
    pad.onlyDots = true;
    scheduler.inkChanged();
    lift();
    assert.deepEqual(shown, [['nothing', 'dot']]);
    pad.hasInk = false;
    pad.onlyDots = false;
    scheduler.replaced(); // e.g. undo of the only stroke
    assert.deepEqual(shown.at(-1), ['nothing', 'empty']);
    assert.equal(calls.length, 0);
    assert.equal(scheduler.pending, false);
  });

  test('after a clear, a result for the cleared drawing is not shown', async () => {
    const { pad, calls, shown, scheduler, draw } = page;
    draw();
    pad.hasInk = false;
    pad.drawing = false;
    scheduler.cleared();
    assert.deepEqual(shown, [['nothing', 'empty']]);
    draw(); // drawing again before the old answer arrives
    calls[0].resolve('cleared drawing');
    await settle();
    assert.deepEqual(shown, [['nothing', 'empty']], 'not even live');
    assert.equal(calls.length, 2, 'the new drawing is recognized');
    calls[1].resolve('new drawing');
    await settle();
    assert.deepEqual(shown.at(-1), ['live', 'new drawing']);
  });

  test('a failed recognition is reported and the next one still runs', async () => {
    const { calls, shown, scheduler, draw, lift } = page;
    draw();
    lift(10);
    calls[0].reject(new Error('worker crashed'));
    await settle();
    assert.deepEqual(shown, [['error', 'worker crashed']]);
    assert.equal(scheduler.pending, false, 'no answer is awaited any more');

    draw();
    lift(20);
    calls[1].resolve('recovered');
    await settle();
    assert.deepEqual(shown.at(-1), final('recovered', 20));
  });

  test('an image: its wait is measured from when it was chosen', async () => {
    const { pad, clock, calls, shown, scheduler } = page;
    clock.now = 5;
    scheduler.imageChosen();
    clock.now = 8; // decoded
    pad.hasInk = true;
    scheduler.replaced();
    calls[0].resolve('image digit');
    await settle();
    assert.deepEqual(shown, [final('image digit', 8, 5)]);
  });

  test('an image that could not be used leaves nothing to measure', async () => {
    const { clock, calls, shown, scheduler, draw, lift } = page;
    clock.now = 5;
    scheduler.imageChosen();
    scheduler.imageFailed();
    draw();
    lift(9);
    calls[0].resolve('drawn');
    await settle();
    assert.deepEqual(shown, [final('drawn', 9)]);
  });

  test('data-pending follows the pen and the recognition in flight', async () => {
    const { pending, calls, draw, lift } = page;
    pending.length = 0;
    draw();
    assert.equal(pending.at(-1), true);
    lift(1);
    assert.equal(pending.at(-1), true, 'the answer is still on its way');
    calls[0].resolve('done');
    await settle();
    assert.equal(pending.at(-1), false);
  });
});

describe('RecognitionScheduler before the recognizer is ready', () => {
  test('a finished drawing waits, then is recognized as soon as it is ready', async () => {
    const { calls, shown, scheduler, draw, lift } = harness({ ready: false });
    draw();
    assert.deepEqual(shown, [], 'no notice while the pen is down');
    lift(7);
    assert.deepEqual(shown, [['waiting']]);
    assert.equal(calls.length, 0);
    assert.equal(scheduler.pending, true, 'its answer is awaited');

    scheduler.setReady(true);
    assert.equal(calls.length, 1);
    calls[0].resolve('late answer');
    await settle();
    assert.deepEqual(shown.at(-1), final('late answer', 7));
  });

  test('ready again (a restarted worker): the pixels on the pad are recognized afresh', async () => {
    const { clock, calls, shown, scheduler, draw, lift } = harness();
    draw();
    lift(3);
    calls[0].resolve('before restart');
    await settle();
    scheduler.setReady(false);
    clock.now = 40;
    scheduler.setReady(true);
    assert.equal(calls.length, 2, 'the same pixels again, for the new worker');
    calls[1].resolve('after restart');
    await settle();
    assert.deepEqual(shown.at(-1), final('after restart', 40));
  });

  test('an empty pad is not recognized when the recognizer gets ready', () => {
    const { calls, scheduler } = harness({ ready: false });
    scheduler.setReady(true);
    assert.equal(calls.length, 0);
  });
});

test('a missing collaborator is refused at construction, not at first use', () => {
  assert.throws(
    () => new RecognitionScheduler({ pad: {}, recognize: () => {} }),
    (error) => error instanceof TypeError && /onLive must be a function/.test(error.message),
  );
});
