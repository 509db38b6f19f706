// The page benchmark (issue 18): how soon a person sees something after
// choosing an export, and whether the page stays responsive meanwhile. Debian's
// Chromium (headless, through playwright-core, the e2e suites' launcher and
// helpers) opens the built page from file://; for each generated export the
// file input is set and the page's own timeline is read back:
//
//   first highlights  file chosen → the first highlight card painted
//   report            file chosen → the page settled (every view drawn,
//                     body[data-busy] false)
//   longest task      the longest main-thread task in between
//                     (PerformanceObserver 'longtask': tasks over 50 ms)
//   long tasks        their sum
//   ingest MB/s       file bytes / the worker's ingest call (the page's
//                     `glint:worker ingest` measure; '–' for a page without it)
//   ready             navigation → the engine loaded (the page says "Ready")
//   warm              navigation → the engine and the fonts warmed (a page
//                     that warms them after loading marks `glint:warmup-asked`
//                     and then `glint:warm`: the file is chosen once that is
//                     done, as a person would after a few seconds; '–' for a
//                     page that does not)
//
// and, in the table, where the time went: every `glint:…` mark and measure the
// page left (web/src/perf.js) from the file chosen to the page settled.
//
// Those are wall times: on a shared machine a task is also as long as the
// other processes keep the main thread off a core. With --cpu, Chromium's
// trace (category toplevel) gives each main-thread task's thread time too:
// the longest task and the main thread's sum in CPU milliseconds, what the
// page itself costs (the wall figures then include the tracing's overhead).
//
// Every run starts a fresh Chromium (playwright's launch gives each its own
// new --user-data-dir), so each is a first visit: nothing is cached from an
// earlier run.
//
// usage: node tests/bench/page_bench.mjs [--rows 1000,80000] [--web-dir DIR] [--repeat N]
//                                        [--idle MS] [--cpu] [--work DIR] [--json]
// Figures only: nothing here asserts on time. Exits non-zero only when the page
// does not load or gives no highlights.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../support/browser.mjs';
import { openPage, settle } from '../e2e/helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const usage = `usage: node tests/bench/page_bench.mjs [options]

Opens the page (file://) in headless Chromium, sets its file input to generated
exports and prints the time to the first highlights and to the whole report, the
main-thread long tasks, the worker's ingest throughput, and where the time went.

  --rows LIST     comma-separated row counts (default 1000,80000: 0.13 and ~10 MB;
                  100000 ≈ 13 MB, 1000000 ≈ 131 MB)
  --web-dir DIR   a built page (index.html, app.js); default: built now with
                  node web/build.mjs --core build/wasm/wasm/glint_core.js into a temporary folder
  --repeat N      runs per file, each in a fresh browser; medians shown (default 3)
  --idle MS       wait this long after the page is ready before choosing the file
                  (a person looking for it; default 0)
  --cpu           also the main thread's CPU time (Chromium's trace): the longest
                  task's and the sum, from the file chosen to the page settled
  --work DIR      where the exports are written (default: a temporary folder)
  --json          one JSON line per file on stdout (rows, MB, first_highlights_ms,
                  report_ms, longest_task_ms, long_tasks_total_ms, worker_ingest_MBps,
                  ready_ms, warm_ms; with --cpu longest_task_cpu_ms, main_cpu_ms);
                  progress on stderr
  -h, --help      this

Needs build/wasm (glint_core.js), build/native/tests/bench/glint_gen_export and
playwright-core in web/node_modules.`;

const argv = process.argv.slice(2);
const opts = { rows: '1000,80000', webDir: null, repeat: 3, idle: 0, cpu: false, work: null, json: false };
for (let i = 0; i < argv.length; ++i) {
  const a = argv[i];
  const value = () => {
    if (i + 1 >= argv.length) fail(`${a} needs a value`);
    return argv[++i];
  };
  if (a === '--rows') opts.rows = value();
  else if (a === '--web-dir') opts.webDir = path.resolve(value());
  else if (a === '--repeat') opts.repeat = Number(value());
  else if (a === '--idle') opts.idle = Number(value());
  else if (a === '--work') opts.work = path.resolve(value());
  else if (a === '--json') opts.json = true;
  else if (a === '--cpu') opts.cpu = true;
  else if (a === '-h' || a === '--help') { console.log(usage); process.exit(0); }
  else fail(`unknown option ${a}`);
}
const rows = opts.rows.split(',').map((r) => Number(r.trim()));
if (rows.some((r) => !Number.isInteger(r) || r <= 0)) fail(`--rows wants positive integers, got ${opts.rows}`);
if (!Number.isInteger(opts.repeat) || opts.repeat < 1) fail('--repeat wants a positive integer');

function fail(message) {
  console.error(`page_bench: ${message}\n\n${usage}`);
  process.exit(2);
}
const say = (text) => process.stderr.write(`${text}\n`);

const work = opts.work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'glint-page-bench-'));
fs.mkdirSync(work, { recursive: true });
// A temporary folder of ours (the exports, the built page) goes when we do.
if (!opts.work) process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// The page's dist, built from the wasm core already there unless given.
let webDir = opts.webDir;
if (!webDir) {
  const core = path.join(root, 'build/wasm/wasm/glint_core.js');
  if (!fs.existsSync(core)) fail(`${core} is missing: build the wasm preset first (or pass --web-dir)`);
  webDir = path.join(work, 'dist');
  const b = spawnSync(process.execPath, [path.join(root, 'web/build.mjs'), '--core', core, '--out', webDir], { encoding: 'utf8' });
  if (b.status !== 0) {
    console.error(b.stdout, b.stderr);
    process.exit(1);
  }
}
if (!fs.existsSync(path.join(webDir, 'index.html'))) fail(`${webDir}/index.html is missing`);
const pageUrl = pathToFileURL(path.join(webDir, 'index.html')).href;

const gen = path.join(root, 'build/native/tests/bench/glint_gen_export');
if (!fs.existsSync(gen)) fail(`${gen} is missing: build the native preset first`);
function exportOf(n) {
  const file = path.join(work, `export_${n}.csv`);
  if (!fs.existsSync(file)) {
    const r = spawnSync(gen, [String(n), file], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(`glint_gen_export ${n} failed: ${r.stderr}`);
      process.exit(1);
    }
  }
  return file;
}

// In the page, before the file is chosen: the file input's change event (the
// moment the file is chosen: a capturing listener, ahead of the page's own),
// long tasks, the first highlight card (painted: the frame after it was
// inserted), the page settling.
function watch() {
  const w = { chosen: null, longTasks: [], firstCard: null, firstPainted: null, settled: null };
  window.__bench = w;
  document.addEventListener('change', (ev) => { if (ev.target.id === 'file' && w.chosen === null) w.chosen = performance.now(); }, { capture: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask' });
  const check = () => {
    if (w.firstCard === null && document.querySelector('#highlight-panel .card, #highlight-panel .empty')) {
      w.firstCard = performance.now();
      // rAF runs before the frame is drawn; the task after it, once it is.
      requestAnimationFrame(() => setTimeout(() => { w.firstPainted = performance.now(); }, 0));
    }
    if (w.firstCard !== null && w.settled === null && document.body.dataset.busy === 'false') w.settled = performance.now();
  };
  new MutationObserver(check).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-busy'] });
}

// What the page recorded, relative to the file chosen.
function collect() {
  const w = window.__bench;
  const t0 = w.chosen;
  const entries = performance.getEntries()
    .filter((e) => (e.entryType === 'mark' || e.entryType === 'measure') && e.name.startsWith('glint:') && e.startTime + e.duration >= t0)
    .map((e) => ({ type: e.entryType, name: e.name.slice(6), start: e.startTime - t0, duration: e.duration, detail: e.detail ?? null }));
  return {
    firstHighlights: w.firstPainted - t0,
    report: w.settled - t0,
    longTasks: w.longTasks.filter((t) => t.start >= t0).map((t) => ({ start: t.start - t0, duration: t.duration })),
    entries,
  };
}

// The page's main-thread tasks in a Chromium trace, from the file chosen on:
// the longest one's thread time and the sum (ms).
function mainThreadCpu(trace) {
  const events = JSON.parse(trace.toString()).traceEvents;
  const threads = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const chosen = events.find((e) => e.name === 'glint:files-chosen');
  const main = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.tdur !== undefined &&
    threads.get(`${e.pid}:${e.tid}`) === 'CrRendererMain' && (!chosen || (e.pid === chosen.pid && e.ts >= chosen.ts)))
    .sort((a, b) => a.ts - b.ts);
  let longest = 0, sum = 0, end = -Infinity;
  for (const t of main) {
    if (t.ts < end) continue; // nested in the task before
    end = t.ts + t.dur;
    longest = Math.max(longest, t.tdur / 1000);
    sum += t.tdur / 1000;
  }
  return { longest, sum };
}

async function runOnce(file) {
  const browser = await launchChromium();
  try {
    const opened = Date.now();
    const { context, page, problems } = await openPage(browser, pageUrl);
    const load = await page.evaluate(async () => {
      const end = (name) => { const e = performance.getEntriesByName(name)[0]; return e ? e.startTime + e.duration : null; };
      if (performance.getEntriesByName('glint:warmup-asked').length) {
        const t = performance.now();
        while (!performance.getEntriesByName('glint:warm').length && performance.now() - t < 60000) await new Promise((r) => setTimeout(r, 20));
      }
      const warm = performance.getEntriesByName('glint:warm')[0];
      return { ready: end('glint:engine version'), warm: warm ? warm.startTime : null };
    });
    const readyMs = load.ready ?? Date.now() - opened;
    if (opts.idle > 0) await page.waitForTimeout(opts.idle);
    await page.evaluate(watch);
    if (opts.cpu) await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] });
    await page.setInputFiles('#file', file);
    try {
      await page.waitForFunction(() => window.__bench.firstPainted !== null, null, { timeout: 180000 });
    } catch {
      const status = await page.textContent('#status').catch(() => '?');
      return { failed: `no highlights within 180 s (status: ${status}; ${problems.join('; ') || 'no console error'})` };
    }
    await settle(page, 300000);
    await page.waitForFunction(() => window.__bench.settled !== null, null, { timeout: 10000 }).catch(() => {});
    await page.waitForTimeout(300); // a last long task, if any, is reported
    const cpu = opts.cpu ? mainThreadCpu(await browser.stopTracing()) : null;
    const m = await page.evaluate(collect);
    await context.close();
    if (problems.length) say(`  page problems: ${problems.join('; ')}`);
    const ingest = m.entries.find((e) => e.name === 'worker ingest');
    const bytes = fs.statSync(file).size;
    return {
      readyMs,
      warmMs: load.warm,
      firstHighlights: m.firstHighlights,
      report: m.report ?? null,
      longest: m.longTasks.reduce((a, t) => Math.max(a, t.duration), 0),
      longTotal: m.longTasks.reduce((a, t) => a + t.duration, 0),
      longCount: m.longTasks.length,
      longTasks: m.longTasks,
      ingestMBps: ingest && ingest.duration > 0 ? bytes / 1e6 / (ingest.duration / 1000) : null,
      cpuLongest: cpu ? cpu.longest : null,
      cpuSum: cpu ? cpu.sum : null,
      entries: m.entries,
    };
  } finally {
    await browser.close();
  }
}

const median = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const round = (x, d = 0) => (x === null ? null : Number(x.toFixed(d)));
const ms = (x) => (x === null ? '–' : `${Math.round(x)}`);

let failed = false;
const results = [];
for (const n of rows) {
  const file = exportOf(n);
  const bytes = fs.statSync(file).size;
  const runs = [];
  for (let r = 0; r < opts.repeat; ++r) {
    say(`page_bench: ${n} rows (${(bytes / 1e6).toFixed(1)} MB), run ${r + 1} of ${opts.repeat}…`);
    const run = await runOnce(file);
    if (run.failed) {
      say(`page_bench: ${n} rows: ${run.failed}`);
      failed = true;
      break;
    }
    runs.push(run);
  }
  if (runs.length === 0) continue;
  const line = {
    rows: n,
    MB: round(bytes / 1e6, 2),
    first_highlights_ms: round(median(runs.map((x) => x.firstHighlights))),
    report_ms: round(median(runs.map((x) => x.report))),
    longest_task_ms: round(median(runs.map((x) => x.longest))),
    long_tasks_total_ms: round(median(runs.map((x) => x.longTotal))),
    worker_ingest_MBps: round(median(runs.map((x) => x.ingestMBps)), 1),
    ready_ms: round(median(runs.map((x) => x.readyMs))),
    warm_ms: round(median(runs.map((x) => x.warmMs))),
    ...(opts.cpu ? { longest_task_cpu_ms: round(median(runs.map((x) => x.cpuLongest))), main_cpu_ms: round(median(runs.map((x) => x.cpuSum))) } : {}),
  };
  results.push({ line, runs });
  if (opts.json) process.stdout.write(`${JSON.stringify(line)}\n`);
}

if (!opts.json) {
  console.log(`\nThe page (${pageUrl}), headless Chromium, medians of ${opts.repeat} run${opts.repeat === 1 ? '' : 's'} (ms from the file chosen):\n`);
  const head = ['rows', 'MB', 'first highlights', 'report', 'longest task', 'long tasks (sum, n)', 'ingest MB/s', 'ready', 'warm',
    ...(opts.cpu ? ['longest task CPU', 'main CPU'] : [])];
  const table = results.map(({ line, runs }) => [
    String(line.rows), line.MB.toFixed(2), ms(line.first_highlights_ms), ms(line.report_ms), ms(line.longest_task_ms),
    `${ms(line.long_tasks_total_ms)} (${median(runs.map((x) => x.longCount))})`,
    line.worker_ingest_MBps === null ? '–' : line.worker_ingest_MBps.toFixed(1), ms(line.ready_ms), ms(line.warm_ms),
    ...(opts.cpu ? [ms(line.longest_task_cpu_ms), ms(line.main_cpu_ms)] : [])]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const fmtRow = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmtRow(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of table) console.log(fmtRow(r));

  // Where the time went, in the median run (by first highlights) of each file.
  for (const { line, runs } of results) {
    const run = [...runs].sort((a, b) => a.firstHighlights - b.firstHighlights)[Math.floor((runs.length - 1) / 2)];
    console.log(`\n${line.rows} rows: the page's steps (start and length, ms from the file chosen)`);
    if (run.entries.length === 0) console.log('  (the page left no glint: marks)');
    for (const e of run.entries.sort((a, b) => a.start - b.start)) {
      const detail = e.detail ? ` ${JSON.stringify(e.detail)}` : '';
      console.log(`  ${ms(e.start).padStart(6)}  ${e.type === 'mark' ? '     ·' : ms(e.duration).padStart(6)}  ${e.name}${detail}`);
    }
    if (run.longTasks.length) console.log(`  long tasks: ${run.longTasks.map((t) => `${ms(t.start)}+${ms(t.duration)}`).join(' ')}`);
  }
}
process.exit(failed ? 1 : 0);
