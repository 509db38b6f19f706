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
// usage: node build.mjs --core path/to/glint_core.js --out path/to/dist
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
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
for (const f of ['index.html', 'src/style.css']) {
  fs.copyFileSync(path.join(here, f), path.join(out, path.basename(f)));
}
const size = (f) => fs.statSync(path.join(out, f)).size;
console.log(`web: ${out} (app.js ${(size('app.js') / 1024).toFixed(0)} KiB incl. the wasm core)`);
