// User Timing marks and measures the page leaves on its own timeline, all
// named `glint:…`, so a profiler (DevTools' Performance panel) and
// tests/bench/page_bench.mjs can tell where the time goes between a file
// chosen and its highlights shown. Nothing here changes what the page does:
// where the Performance API is missing, every function is a no-op.
//
// Names: `glint:files-chosen`, `glint:highlights-shown`, `glint:report-shown`
// (marks); `glint:render <view>` (a view drawn on the main thread),
// `glint:engine <op>` (a worker call's round trip seen from here),
// `glint:worker <step>` (the worker's own steps, from worker timings below).
//
// The worker has its own clock (its own timeOrigin): it reports steps as
// {name, start, end, detail} in epoch milliseconds (timeOrigin + now), which
// `workerSpans` turns into measures on this page's timeline.

const perf = typeof performance !== 'undefined' && typeof performance.mark === 'function' ? performance : null;

// (A timing must never break the page: a refused entry is dropped.)
export function mark(name, detail = null) {
  try {
    if (perf) perf.mark(`glint:${name}`, detail ? { detail } : undefined);
  } catch { /* dropped */ }
}

// A measure from `start` to `end` (performance.now() values).
export function measure(name, start, end, detail = null) {
  try {
    if (perf) perf.measure(`glint:${name}`, { start: Math.max(0, start), end: Math.max(0, end), ...(detail ? { detail } : {}) });
  } catch { /* dropped */ }
}

// A measure from `start` to now.
export function measureSince(name, start, detail = null) {
  measure(name, start, now(), detail);
}

// Runs fn() and measures it (also when it throws); a promise it returns is
// passed on, the measure being the synchronous part (what blocks this thread).
export function timed(name, fn) {
  const start = now();
  try {
    return fn();
  } finally {
    measureSince(name, start);
  }
}

export const now = () => (perf ? perf.now() : 0);

// An epoch time (what the worker reports in) on this thread's clock.
export const fromEpoch = (ms) => (perf ? ms - perf.timeOrigin : 0);

// Steps reported by the worker, as measures on this timeline.
export function workerSpans(spans) {
  if (!Array.isArray(spans)) return;
  for (const s of spans) measure(`worker ${s.name}`, fromEpoch(s.start), fromEpoch(s.end), s.detail ?? null);
}
