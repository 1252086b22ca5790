// Every deadline the page keeps, in one place. They catch what has stopped, not what is slow:
// a cold start takes 3-4 s on a slow 2-core machine, and a slow network stretches each
// download, so each is many times what it normally takes.

const DEADLINES_MS = {
  // Loading with no step finished for this long has stalled: a download that never
  // completes, or the page's Python stuck at import. Reset whenever a loading step finishes.
  loadingStall: 60_000,
  // A recognition takes milliseconds; one that has not answered in this long never will.
  recognition: 20_000,
};

/**
 * The deadline `name` in milliseconds. Tests shorten one rather than wait it out, by setting
 * `self.testDeadlinesMs = {name: ms}` before the page loads (read at each use, so a test can
 * restore the real one before it presses Retry).
 */
export function deadlineMs(name) {
  return self.testDeadlinesMs?.[name] ?? DEADLINES_MS[name];
}
