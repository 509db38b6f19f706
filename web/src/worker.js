// The page's worker: runs the wasm core off the main thread, so a large file
// never freezes the page. Messages (one at a time, in the order received):
//   in:  {id, op, ...}
//   out: {id, progress} while reading a file, then {id, ok, result | error,
//        timing, sent}: `timing` the steps this operation took ({name, start,
//        end, detail} in epoch ms; the page turns them into `glint:worker …`
//        measures, see perf.js), `sent` when the reply was posted.
//        Unasked, once: {timing} with the worker's start-up (wasm instantiated).
// Operations:
//   version              → {version, methods: {funnel, attribution, profile}}
//   warmup               → {steps, interrupted}: a small export made here run
//                          through the calls a dropped file makes, and dropped
//                          (see warmUp); stops early when a real request comes
//   ingest {file}        → {handle, input}: the File streamed to core in 1 MiB
//                          pieces, never whole in memory
//   call {method, request} → core's response
//   highlights {handles, options, max_facts} → {summary, grow, optimize, protect}
//                          (options: days or start/end, compare, platforms, accounts, campaigns)
//   tables {file, methods, steps?} → {method: {result} | {error} | {skipped}}:
//                          the analyses that need the whole file at once
//                          (files up to 64 MiB)
import createGlintCore from 'glint-core';
import { Glint, GlintError } from '../../wasm/glint.mjs';
import { sampleExport } from './warmup.js';

// Core is fed the file in pieces of this size, as the browser reads it.
const CHUNK = 1024 * 1024;
// funnel/attribution/profile take the file's bytes in one piece; above this
// size the page does not ask for them rather than hold the file in memory.
const TABLE_ANALYSIS_LIMIT = 64 * 1024 * 1024;
const HIGHLIGHT_TYPES = ['summary', 'grow', 'optimize', 'protect'];
const TABLE_METHODS = ['funnel', 'attribution', 'profile'];

const epochNow = () => performance.timeOrigin + performance.now();
const bootStart = epochNow();
// The steps of the operation in progress (one at a time, see the queue below).
let spans = [];
function span(name, start, detail = null) {
  spans.push({ name, start, end: epochNow(), ...(detail ? { detail } : {}) });
}

const ready = Glint.create(createGlintCore).then((glint) => {
  self.postMessage({ timing: [{ name: 'boot', start: bootStart, end: epochNow() }] });
  return glint;
});

// glint.call, timed in two steps: core's call (its response text) and the
// JSON.parse of that text.
function call(glint, method, request, bytes = null) {
  const t0 = epochNow();
  const text = glint.callRaw(method, JSON.stringify(request), bytes);
  const t1 = epochNow();
  spans.push({ name: `core ${method}`, start: t0, end: t1 });
  const doc = JSON.parse(text);
  span(`parse ${method}`, t1, { chars: text.length });
  if (doc && typeof doc === 'object' && doc.error && Object.keys(doc).length === 1) throw new GlintError(doc.error.code, doc.error.message);
  return doc;
}

function asError(e) {
  if (e instanceof GlintError) return { code: e.code, message: e.message };
  return { code: 'internal', message: String(e && e.message ? e.message : e) };
}

// Which table methods this core has: an unknown method answers unknown_method
// whatever the request, any other answer (even an error) means it exists.
function probe(glint) {
  const methods = {};
  for (const m of TABLE_METHODS) {
    try {
      glint.call(m, { name: 'probe.csv' }, null);
      methods[m] = true;
    } catch (e) {
      methods[m] = !(e instanceof GlintError && e.code === 'unknown_method');
    }
  }
  return methods;
}

// The file is streamed (File.stream()): the browser keeps reading while core
// parses, and core is fed every CHUNK bytes from one reused buffer, so the
// file is never whole in memory. (Reading 4 MiB Blob.slices one at a time
// left core waiting for about a third of a 10 MB file's ingest.)
async function ingest(glint, id, file) {
  const start = epochNow();
  const { handle } = glint.call('ingest.open', { name: file.name });
  let reader = null;
  try {
    let fed = { bytes: 0, rows: 0 };
    let readMs = 0, feedMs = 0;
    const buffer = new Uint8Array(Math.min(CHUNK, Math.max(1, file.size)));
    let fill = 0;
    const feed = () => {
      const t = epochNow();
      fed = glint.call('ingest.feed', { handle }, buffer.subarray(0, fill));
      feedMs += epochNow() - t;
      fill = 0;
      self.postMessage({ id, progress: { bytes: fed.bytes, total: file.size, rows: fed.rows } });
    };
    reader = file.stream().getReader();
    for (;;) {
      const t = epochNow();
      const { done, value } = await reader.read();
      readMs += epochNow() - t; // waiting for the browser (what parsing did not hide)
      if (done) break;
      for (let at = 0; at < value.length;) {
        const n = Math.min(value.length - at, buffer.length - fill);
        buffer.set(value.subarray(at, at + n), fill);
        fill += n;
        at += n;
        if (fill === buffer.length) feed();
      }
    }
    reader = null;
    if (fill > 0) feed();
    const closeStart = epochNow();
    const closed = glint.call('ingest.close', { handle });
    const closeMs = epochNow() - closeStart;
    // bytes over the whole span is the worker's ingest throughput (tests/bench/page_bench.mjs).
    const ms = (x) => Math.round(x * 10) / 10;
    span('ingest', start, { bytes: file.size, rows: closed.input?.rows ?? fed.rows, read_ms: ms(readMs), feed_ms: ms(feedMs), close_ms: ms(closeMs) });
    return closed;
  } catch (e) {
    if (reader) reader.cancel().catch(() => {}); // the rest of the file is not wanted
    try { glint.call('ingest.drop', { handle }); } catch { /* already gone */ }
    throw e;
  }
}

// Event-row funnels need their steps named. Without them, core lists the
// events; the profile's most frequent values of the event column (in core's
// order) give a first guess the page shows and lets the person change.
function guessSteps(profile) {
  const col = profile?.columns?.find((c) => c.field === 'event_name' || c.field === 'event');
  return col ? col.top_values.map((v) => v.value) : [];
}

async function tables(glint, file, methods, steps) {
  const out = {};
  const wanted = TABLE_METHODS.filter((m) => methods.includes(m));
  if (wanted.length === 0) return out;
  if (file.size > TABLE_ANALYSIS_LIMIT) {
    for (const m of wanted) out[m] = { skipped: 'too_large', limit: TABLE_ANALYSIS_LIMIT };
    return out;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const attempt = (m, request) => {
    try {
      return { result: call(glint, m, { name: file.name, ...request }, bytes) };
    } catch (e) {
      return { error: asError(e) };
    }
  };
  // profile first: a funnel over event rows may take its first steps from it.
  for (const m of ['profile', 'attribution', 'funnel'].filter((x) => wanted.includes(x))) {
    if (m !== 'funnel') {
      out[m] = attempt(m, {});
      continue;
    }
    out.funnel = attempt('funnel', steps ? { steps } : {});
    if (!steps && out.funnel.error?.code === 'invalid_request') {
      const candidates = guessSteps(out.profile?.result ?? attempt('profile', {}).result);
      if (candidates.length >= 2) {
        const guessed = attempt('funnel', { steps: candidates.slice(0, 5) });
        if (guessed.result) out.funnel = { ...guessed, guessed: true, candidates };
      }
    }
  }
  return out;
}

// Warming the engine. V8 compiles a wasm function when it is first called
// (and optimises the hot ones later, on other threads): on a fresh page the
// first file's calls paid for compiling most of core, seconds on a small
// machine. So right after start-up the page asks for this: a small export
// made here (warmup.js) through the calls a dropped file makes — ingest, the
// four highlights, the report, the breakdowns, the table analyses — and
// dropped again. Nothing of it is shown or kept; core's state is as before
// (ingest.drop clears its caches). It yields between steps and stops as soon
// as a real request arrives, which then runs next.
const WARM_ROWS = 2000;
let warming = false;
let interrupted = false;

async function warmUp(glint) {
  warming = true;
  interrupted = false;
  const done = [];
  const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
  const bytes = sampleExport(WARM_ROWS);
  const name = 'glint-warmup.csv';
  let handle = null;
  // The page's locale (format.js: the browser's language), so its formatting paths are the ones warmed.
  const report = { days: 30, locale: self.navigator?.language || 'en-US' };
  const steps = [
    ['ingest', () => {
      ({ handle } = glint.call('ingest.open', { name }));
      const half = bytes.length >> 1;
      glint.call('ingest.feed', { handle }, bytes.subarray(0, half));
      glint.call('ingest.feed', { handle }, bytes.subarray(half));
      glint.call('ingest.close', { handle });
    }],
    ['highlights', () => {
      for (const t of HIGHLIGHT_TYPES) glint.call('report.highlight', { ...report, handles: [handle], highlight_type: t, max_facts: 5 });
    }],
    ['report.analyze', () => glint.call('report.analyze', { ...report, handles: [handle], full: true })],
    ['report.breakdown', () => {
      const b = glint.call('report.breakdown', { ...report, handles: [handle], level: 'campaign', kind: 'ads', parent: null, limit: 5000 });
      const first = b.rows?.[0];
      if (first) glint.call('report.breakdown', { ...report, handles: [handle], level: 'ad_group', kind: 'ads', parent: first.key, limit: 5000 });
    }],
    ...TABLE_METHODS.map((m) => [m, () => { try { glint.call(m, { name }, bytes); } catch { /* a method this core lacks */ } }]),
  ];
  try {
    for (const [step, fn] of steps) {
      await pause();
      if (interrupted) break;
      const t = epochNow();
      fn();
      span(`warmup ${step}`, t);
      done.push(step);
    }
  } finally {
    if (handle !== null) {
      try { glint.call('ingest.drop', { handle }); } catch { /* gone */ }
    }
    warming = false;
  }
  return { steps: done, interrupted };
}

async function run(glint, id, msg) {
  switch (msg.op) {
    case 'version':
      return { version: glint.version(), methods: probe(glint) };
    case 'warmup':
      return warmUp(glint);
    case 'ingest':
      return ingest(glint, id, msg.file);
    case 'call':
      return call(glint, msg.method, msg.request ?? {}, null);
    case 'highlights': {
      const out = {};
      for (const t of HIGHLIGHT_TYPES) {
        out[t] = call(glint, 'report.highlight', { ...(msg.options ?? { days: msg.days }), handles: msg.handles, highlight_type: t, max_facts: msg.max_facts ?? 5, locale: msg.locale });
      }
      return out;
    }
    case 'tables': {
      const start = epochNow();
      const out = await tables(glint, msg.file, msg.methods ?? [], msg.steps ?? null);
      span('tables', start, { bytes: msg.file.size, methods: Object.keys(out).join(' ') });
      return out;
    }
    default:
      throw new GlintError('invalid_request', `unknown operation '${msg.op}'`);
  }
}

// One operation at a time: the engine is single-threaded and an ingest
// awaits its file slices, so later messages wait for it.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const msg = event.data;
  if (warming && msg.op !== 'warmup') interrupted = true;
  queue = queue.then(async () => {
    spans = [];
    const start = epochNow();
    try {
      const glint = await ready;
      const result = await run(glint, msg.id, msg);
      span(`op ${msg.op}${msg.method ? ` ${msg.method}` : ''}`, start);
      self.postMessage({ id: msg.id, ok: true, result, timing: spans, sent: epochNow() });
    } catch (e) {
      span(`op ${msg.op}${msg.method ? ` ${msg.method}` : ''} (failed)`, start);
      self.postMessage({ id: msg.id, ok: false, error: asError(e), timing: spans, sent: epochNow() });
    }
  });
};
