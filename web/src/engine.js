// The main thread's side of the worker: starts it from the bundled source
// (a blob: URL, so the page also works from file://) and turns its messages
// into promises. Nothing is computed here. Each call's round trip and the
// worker's own steps are left as `glint:…` measures (perf.js).
/* global GLINT_WORKER_SOURCE */
import { now, fromEpoch, measure, measureSince, workerSpans } from './perf.js';

export class Engine {
  constructor() {
    const url = URL.createObjectURL(new Blob([GLINT_WORKER_SOURCE], { type: 'text/javascript' }));
    this.worker = new Worker(url);
    this.pending = new Map();
    this.nextId = 1;
    this.worker.onmessage = (event) => {
      // Reading event.data is where a reply is deserialised on this thread.
      const received = now();
      const data = event.data;
      const deserialised = now();
      const { id, ok, result, error, progress, timing, sent } = data;
      if (timing) workerSpans(timing);
      const p = this.pending.get(id);
      if (!p) return;
      if (progress) {
        if (p.onProgress) p.onProgress(progress);
        return;
      }
      this.pending.delete(id);
      // From the worker's postMessage to the reply read here (copy, queue, deserialise).
      if (sent) measure(`transfer ${p.name}`, fromEpoch(sent), deserialised);
      measure(`receive ${p.name}`, received, deserialised);
      measureSince(`engine ${p.name}`, p.start);
      if (ok) p.resolve(result);
      else p.reject(Object.assign(new Error(error.message), { code: error.code }));
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      const error = Object.assign(new Error(`the engine stopped: ${event.message || 'unknown error'}`), { code: 'internal' });
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
  }

  send(op, fields = {}, onProgress = null) {
    const id = this.nextId++;
    const name = fields.method ? `${op} ${fields.method}` : op;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress, name, start: now() });
      this.worker.postMessage({ id, op, ...fields });
    });
  }

  version() { return this.send('version'); }
  // Compiles core's paths ahead of the first file (worker.js, warmUp); yields to any real request.
  warmUp() { return this.send('warmup'); }
  ingest(file, onProgress) { return this.send('ingest', { file }, onProgress); }
  call(method, request) { return this.send('call', { method, request }); }
  // `options`: the period, comparison and filters (views/period.js); a number is the last N days.
  highlights(handles, options, locale) {
    return this.send('highlights', { handles, options: typeof options === 'number' ? { days: options } : options, max_facts: 5, locale });
  }
  tables(file, methods, steps = null) { return this.send('tables', { file, methods, steps }); }
}
