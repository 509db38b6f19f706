// The ingest benchmark (issue 18): wall time, throughput (MB/s, rows/s) and
// peak memory of `glint analyze --json FILE`, end to end as a user runs it
// (process start to exit), on generated exports of 100k, 1M and 5M rows:
// natively with one thread and with all of the machine's threads, through the
// wasm core in node, and, beside them in the same run, DuckDB native, DuckDB-WASM
// and PapaParse doing the same GROUP BY (sums per platform, campaign and day,
// count(*)). Then the ratios against issue 18's targets, and the page
// benchmark (tests/bench/page_bench.mjs) when it and Chromium are there.
//
// Every engine's stdout is kept: "same bytes" says whether a glint run printed
// exactly what `glint analyze --json --threads 1` printed (sha256; native at
// any thread count and wasm must agree), and whether a comparison tool found
// the same groups and rows as DuckDB native (they print "GROUPS ROWS"); every
// repeat must print the same as the first.
//
// Once:   toolchains/run build                      (build/native and build/wasm)
//         cd tests/bench/compare && npm ci          (DuckDB, DuckDB-WASM, PapaParse; optional)
// Run:    node tests/bench/ingest_bench.mjs [--rows 100000,1000000,5000000] [--repeat 3]
//                                           [--no-compare] [--page | --no-page]
// Files go to build/bench/ (made once by glint_gen_export, kept). Figures only:
// nothing here asserts on time.
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const native = path.join(root, 'build/native');
const bin = (p) => path.join(native, p);
const glint = bin('native/glint');
const compareDir = path.join(root, 'tests/bench/compare');
const pageBench = path.join(root, 'tests/bench/page_bench.mjs');
const chromium = process.env.GLINT_CHROMIUM ?? '/usr/bin/chromium';
const threads = os.availableParallelism();

const usage = `usage: node tests/bench/ingest_bench.mjs [options]

Times \`glint analyze --json FILE\` natively (1 thread and ${threads} threads), the wasm
core in node (tests/bench/wasm_ingest.mjs), DuckDB native (${threads} threads),
DuckDB-WASM (1 thread) and PapaParse on generated ad exports, and prints per size
MB/s and peak MiB, the ratios against issue 18's targets, and the page benchmark.

  --rows LIST    comma-separated row counts (default 100000,1000000,5000000)
  --repeat N     runs per engine and size; the fastest is shown (default 3)
  --no-compare   glint only (no DuckDB, DuckDB-WASM, PapaParse)
  --page         run \`node tests/bench/page_bench.mjs --json\` after (default when it,
                 ${chromium} and playwright-core are there)
  --no-page      do not
  -h, --help     this

Needs build/native (glint, glint_gen_export, glint_run_measured) and build/wasm
(toolchains/run build). The comparison tools: cd tests/bench/compare && npm ci.
Peaks are the whole process's maximum RSS: node's own (~40 MiB) is in the node rows.`;

const argv = process.argv.slice(2);
const opts = { rows: '100000,1000000,5000000', repeat: '3', compare: true, page: null };
for (let i = 0; i < argv.length; ++i) {
  const a = argv[i];
  if (a === '-h' || a === '--help') { console.log(usage); process.exit(0); }
  else if (a === '--rows' || a === '--repeat') {
    if (i + 1 >= argv.length) { console.error(`${a} needs a value\n\n${usage}`); process.exit(2); }
    opts[a.slice(2)] = argv[++i];
  } else if (a === '--no-compare') opts.compare = false;
  else if (a === '--page') opts.page = true;
  else if (a === '--no-page') opts.page = false;
  else { console.error(`unknown option ${a}\n\n${usage}`); process.exit(2); }
}
const sizes = opts.rows.split(',').map(Number);
const repeat = Number(opts.repeat);
if (sizes.some((n) => !Number.isInteger(n) || n <= 0) || !Number.isInteger(repeat) || repeat <= 0) {
  console.error(`--rows takes positive integers, --repeat a positive integer\n\n${usage}`);
  process.exit(2);
}
for (const p of [glint, bin('tests/bench/glint_gen_export'), bin('tests/bench/glint_run_measured'), path.join(root, 'build/wasm/wasm/node.mjs')]) {
  if (!fs.existsSync(p)) {
    console.error(`${path.relative(root, p)} is missing: toolchains/run build (glint_run_measured: cmake --build build/native --target glint_run_measured)`);
    process.exit(1);
  }
}
const outDir = path.join(root, 'build/bench');
fs.mkdirSync(outDir, { recursive: true });
const stdoutFile = path.join(outDir, `stdout_${process.pid}.txt`);
const notes = [];

// Does this glint take --threads? (the flag came with issue 18)
const help = spawnSync(glint, ['analyze', '--help'], { encoding: 'utf8' });
const hasThreads = /--threads\b/.test(`${help.stdout}${help.stderr}`) && threads > 1;
if (threads === 1) notes.push('one thread on this machine: one native row (the default thread count)');
else if (!hasThreads) notes.push(`glint analyze --help names no --threads: one native row (its default), used for both the 1-thread and the ${threads}-thread targets`);

const haveCompare = opts.compare && fs.existsSync(path.join(compareDir, 'node_modules'));
if (opts.compare && !haveCompare) notes.push('no DuckDB, DuckDB-WASM or PapaParse: cd tests/bench/compare && npm ci');

// One engine on one file, `repeat` times: the fastest run's wall and peak, and
// whether every run printed the same (sha256 of stdout).
function measure(cmd, args) {
  let best = null;
  let sha = null;
  let stable = true;
  let out = '';
  for (let i = 0; i < repeat; ++i) {
    const [secs, kib, status] = execFileSync(bin('tests/bench/glint_run_measured'), ['--stdout', stdoutFile, cmd, ...args], { encoding: 'utf8' })
      .trim().split(' ').map(Number);
    if (status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${status}`);
    const bytes = fs.readFileSync(stdoutFile);
    const h = crypto.createHash('sha256').update(bytes).digest('hex');
    if (sha === null) { sha = h; out = bytes.toString('utf8').trim(); } else if (h !== sha) stable = false;
    if (!best || secs < best.secs) best = { secs, kib };
  }
  return { ...best, sha, stable, out };
}

const node = process.execPath;
const engines = [
  ...(hasThreads
    ? [{ id: 'native1', label: 'glint native (1 thread)', glint: true, cmd: glint, args: (f) => ['analyze', '--json', '--threads', '1', f] },
       { id: 'nativeN', label: `glint native (${threads} threads)`, glint: true, cmd: glint, args: (f) => ['analyze', '--json', '--threads', String(threads), f] }]
    : [{ id: 'native1', label: 'glint native', glint: true, cmd: glint, args: (f) => ['analyze', '--json', f] }]),
  { id: 'wasm', label: 'glint wasm (node)', glint: true, cmd: node, args: (f) => [path.join(root, 'tests/bench/wasm_ingest.mjs'), path.join(root, 'build/wasm'), f] },
  ...(haveCompare
    ? [{ id: 'duckdb', label: `DuckDB native (${threads} threads)`, cmd: node, args: (f) => [path.join(compareDir, 'duckdb.mjs'), f, String(threads)] },
       { id: 'duckdbWasm', label: 'DuckDB-WASM (node, 1 thread)', cmd: node, args: (f) => [path.join(compareDir, 'duckdb_wasm.mjs'), f] },
       { id: 'papa', label: 'PapaParse (node)', cmd: node, args: (f) => [path.join(compareDir, 'papaparse.mjs'), f] }]
    : []),
];

console.log(`ingest benchmark: ${os.cpus()[0]?.model ?? 'cpu'} × ${threads} threads, node ${process.version}, ` +
  `load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, best of ${repeat}`);
const results = new Map();  // size -> id -> measurement
const table = [];
for (const n of sizes) {
  const file = path.join(outDir, `ads_${n}.csv`);
  if (!fs.existsSync(file)) execFileSync(bin('tests/bench/glint_gen_export'), [String(n), file]);
  const mb = fs.statSync(file).size / 1e6;
  const got = {};
  results.set(n, { mb, got });
  for (const e of engines) {
    process.stderr.write(`  ${n.toLocaleString('en-US')} rows: ${e.label}…\n`);
    got[e.id] = measure(e.cmd, e.args(file));
  }
  for (const e of engines) {
    const m = got[e.id];
    // glint: the bytes of the first native run; the others: DuckDB native's "GROUPS ROWS" (and its ROWS = the file's rows)
    let same;
    if (e.glint) same = m.sha === got.native1.sha;
    else if (e.id === 'duckdb') same = Number(m.out.split(' ')[1]) === n;
    else same = m.out === got.duckdb.out;
    table.push({ rows: n.toLocaleString('en-US'), MB: mb.toFixed(1), engine: e.label, seconds: m.secs.toFixed(3),
      'MB/s': (mb / m.secs).toFixed(0), 'rows/s': Math.round(n / m.secs).toLocaleString('en-US'),
      'peak MiB': (m.kib / 1024).toFixed(0), 'same bytes': same && m.stable ? '✓' : '✗' });
  }
}
fs.rmSync(stdoutFile, { force: true });
console.log('\nPer size and engine (the fastest run):');
console.table(table);
console.log(`same bytes: a glint row printed exactly what ${engines[0].label} printed, and every repeat the same; ` +
  `the comparison tools found DuckDB native's groups and row count ("GROUPS ROWS"; DuckDB's: all the file's rows)`);

// Issue 18's targets: ratio = figure / target, met when ≥ 1 (for peaks: under the cap).
const targets = [];
for (const [n, { mb, got }] of results) {
  const rowsLabel = n.toLocaleString('en-US');
  const all = got.nativeN ?? got.native1;
  const allLabel = got.nativeN ? `glint native ${threads} threads` : 'glint native';
  const oneLabel = got.nativeN ? 'glint native 1 thread' : 'glint native';
  const add = (check, figure, target, unit, atMost = false) => {
    if (figure === null) { targets.push({ rows: rowsLabel, check, figure: '—', target: `${atMost ? '<' : '≥'} ${target}${unit}`, ratio: '—', met: '—' }); return; }
    const ratio = figure / target;
    targets.push({ rows: rowsLabel, check, figure: `${figure.toFixed(unit === '×' ? 2 : 0)}${unit}`, target: `${atMost ? '<' : '≥'} ${target}${unit}`,
      ratio: `${ratio.toFixed(2)}×`, met: (atMost ? figure < target : ratio >= 1) ? '✓' : '✗' });
  };
  const speedup = (a, b) => (a && b ? b.secs / a.secs : null);
  add(`${allLabel} vs DuckDB native (speed: its wall / ours)`, speedup(all, got.duckdb), n <= 1e6 ? 1.5 : 2, '×');
  add(`${oneLabel} MB/s`, mb / got.native1.secs, 600, ' MB/s');
  add(`${allLabel} peak`, all.kib / 1024, 64, ' MiB', true);
  if (got.nativeN) add(`${oneLabel} peak`, got.native1.kib / 1024, 64, ' MiB', true);
  add('glint wasm (node) MB/s', mb / got.wasm.secs, 400, ' MB/s');
  add('glint wasm (node) vs DuckDB-WASM (speed)', speedup(got.wasm, got.duckdbWasm), 1, '×');
  add('glint wasm (node) vs PapaParse (speed)', speedup(got.wasm, got.papa), 1, '×');
}
console.log('\nAgainst the targets (issue 18; native all threads: wall ≤ half of DuckDB\'s, ≥ 1.5× DuckDB up to 1M rows):');
console.table(targets);

// The page benchmark (the other half of issue 18), when it can run.
const pageReady = fs.existsSync(pageBench) && fs.existsSync(chromium) &&
  (fs.existsSync(path.join(root, 'tests/e2e/node_modules')) || fs.existsSync(path.join(root, 'web/node_modules/playwright-core')));
const runPage = opts.page ?? pageReady;
if (runPage && !fs.existsSync(pageBench)) {
  notes.push('page benchmark skipped: tests/bench/page_bench.mjs is not there yet');
} else if (runPage) {
  process.stderr.write('  page benchmark…\n');
  const page = spawnSync(node, [pageBench, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26, cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const text = (page.stdout ?? '').trim();
  let lines = null;
  try {
    const doc = JSON.parse(text);
    lines = Array.isArray(doc) ? doc : [doc];
  } catch {
    try { lines = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)); } catch { lines = null; }
  }
  console.log(`\nThe page (node tests/bench/page_bench.mjs --json${page.status === 0 ? '' : `, exited with ${page.status ?? page.signal}`}):`);
  if (lines && lines.length) console.table(lines);
  else console.log(text || '(it printed nothing)');
} else if (opts.page === null) {
  notes.push(`page benchmark not run (default needs tests/bench/page_bench.mjs, ${chromium} and playwright-core in web/node_modules or tests/e2e/node_modules; --page to force)`);
}
for (const note of notes) console.log(`note: ${note}`);
