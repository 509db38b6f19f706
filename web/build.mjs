// Bundles the page into one folder that works from any static host, from
// `glint serve` and from file://.
//
// Why a bundle and not the ES modules as they are: Chromium refuses module
// scripts and `new Worker(url)` on file:// pages (origin "null"). So the
// worker (src/worker.js + the wasm core, which embeds its .wasm) is bundled
// into one classic script and handed to the page as a string, from which the
// page starts the worker through a blob: URL; the page itself (src/app.js) is
// bundled into one classic script. Served over http the same files work.
//
// The page's npm runtime dependencies (uPlot and its stylesheet) are bundled
// in from node_modules, pinned by package-lock.json: nothing is fetched from a
// CDN, and the page makes no network request once loaded.
//
// Size budget: the page's wasm + JS (+ CSS and HTML) must stay under 1.5 MB
// gzipped; the build prints the figures and fails over budget.
//
// usage: node build.mjs --core path/to/glint_core.js --out path/to/dist
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error(`web/build.mjs: missing ${name} (usage: --core glint_core.js --out DIR)`);
    process.exit(2);
  }
  return path.resolve(process.argv[i + 1]);
}

const core = arg('--core');
const out = arg('--out');
if (!fs.existsSync(core)) {
  console.error(`web/build.mjs: ${core} does not exist (build the wasm target first)`);
  process.exit(1);
}

// `import createGlintCore from 'glint-core'` resolves to the wasm build's output.
const glintCore = {
  name: 'glint-core',
  setup(b) {
    b.onResolve({ filter: /^glint-core$/ }, () => ({ path: core }));
  },
};

const common = { bundle: true, format: 'iife', target: 'es2020', minify: true, legalComments: 'none', logLevel: 'warning' };

const worker = await build({
  ...common,
  entryPoints: [path.join(here, 'src/worker.js')],
  plugins: [glintCore],
  // The emscripten loader names node's fs/path in code that runs only under node.
  external: ['fs', 'path'],
  write: false,
});
const workerSource = worker.outputFiles[0].text;

fs.mkdirSync(out, { recursive: true });
await build({
  ...common,
  entryPoints: [path.join(here, 'src/app.js')],
  define: { GLINT_WORKER_SOURCE: JSON.stringify(workerSource) },
  outfile: path.join(out, 'app.js'),
});
await build({
  ...common,
  format: undefined,
  target: undefined,
  entryPoints: [path.join(here, 'src/style.css')],
  outfile: path.join(out, 'style.css'),
});
fs.copyFileSync(path.join(here, 'index.html'), path.join(out, 'index.html'));

// The API reference at /docs/ (Swagger UI from npm, bundled the same way; it
// reads the server's /openapi.json). Not part of the page, nor of its budget.
const docsOut = path.join(out, 'docs');
fs.mkdirSync(docsOut, { recursive: true });
await build({ ...common, entryPoints: [path.join(here, 'docs/docs.js')], outfile: path.join(docsOut, 'docs.js') });
await build({ ...common, format: undefined, target: undefined, entryPoints: [path.join(here, 'docs/docs.css')], outfile: path.join(docsOut, 'docs.css') });
fs.copyFileSync(path.join(here, 'docs/index.html'), path.join(docsOut, 'index.html'));

const BUDGET = 1.5 * 1000 * 1000;
const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(out, f)), { level: 9 }).length;
const raw = (f) => fs.statSync(path.join(out, f)).size;
const files = ['app.js', 'style.css', 'index.html'];
const total = files.reduce((n, f) => n + gz(f), 0);
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
console.log(`web: ${out}`);
for (const f of files) console.log(`  ${f.padEnd(10)} ${kb(raw(f)).padStart(9)}  gzip ${kb(gz(f)).padStart(8)}${f === 'app.js' ? '  (page + worker + wasm core + uPlot)' : ''}`);
console.log(`  total gzipped ${kb(total)} of the ${kb(BUDGET)} budget`);
const docsGz = ['docs.js', 'docs.css', 'index.html'].reduce((n, f) => n + gz(path.join('docs', f)), 0);
console.log(`  docs/ (API reference, outside the budget) gzip ${kb(docsGz)}`);
if (total > BUDGET) {
  console.error(`web/build.mjs: the page is ${kb(total)} gzipped, over the ${kb(BUDGET)} budget`);
  process.exit(1);
}
