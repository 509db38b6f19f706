// The ingest benchmark: prints throughput (MB/s, rows/s) and peak memory of
// `glint analyze --json FILE`, end to end, natively and through the wasm core
// in node, on generated exports of 100k, 1M and 5M rows; and, when
// tests/bench/compare has its npm packages installed, DuckDB and PapaParse on
// the same files in the same run.
//
// usage: node tests/bench/ingest_bench.mjs [--rows 100000,1000000,5000000] [--repeat 3]
// (after `toolchains/run build`; files go to build/bench/)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const native = path.join(root, 'build/native');
const bin = (p) => path.join(native, p);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const sizes = arg('--rows', '100000,1000000,5000000').split(',').map(Number);
const repeat = Number(arg('--repeat', '3'));
const outDir = path.join(root, 'build/bench');
fs.mkdirSync(outDir, { recursive: true });

function measure(cmd, args) {
  let best = null;
  for (let i = 0; i < repeat; ++i) {
    const [secs, kib, status] = execFileSync(bin('tests/bench/glint_run_measured'), [cmd, ...args], { encoding: 'utf8' })
      .trim().split(' ').map(Number);
    if (status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${status}`);
    if (!best || secs < best.secs) best = { secs, kib };
  }
  return best;
}

const compareDir = path.join(root, 'tests/bench/compare');
const haveCompare = fs.existsSync(path.join(compareDir, 'node_modules'));
const rows = [];
for (const n of sizes) {
  const file = path.join(outDir, `ads_${n}.csv`);
  if (!fs.existsSync(file)) execFileSync(bin('tests/bench/glint_gen_export'), [String(n), file]);
  const mb = fs.statSync(file).size / 1e6;
  const run = (label, cmd, args) => {
    const m = measure(cmd, args);
    rows.push({ rows: n, MB: mb.toFixed(1), engine: label, seconds: m.secs.toFixed(3), 'MB/s': (mb / m.secs).toFixed(0),
      'rows/s': Math.round(n / m.secs).toLocaleString('en-US'), 'peak MiB': (m.kib / 1024).toFixed(0) });
  };
  run('glint native', bin('native/glint'), ['analyze', '--json', file]);
  run('glint wasm (node)', process.execPath, [path.join(root, 'tests/bench/wasm_ingest.mjs'), path.join(root, 'build/wasm'), file]);
  if (haveCompare) {
    run('DuckDB (node, 2 threads)', process.execPath, [path.join(compareDir, 'duckdb.mjs'), file]);
    run('PapaParse (node)', process.execPath, [path.join(compareDir, 'papaparse.mjs'), file]);
  }
}
console.table(rows);
if (!haveCompare) console.log('(for DuckDB and PapaParse beside these: cd tests/bench/compare && npm ci)');
