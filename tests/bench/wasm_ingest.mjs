// node wasm_ingest.mjs WASM_DIR FILE — what `glint analyze --json FILE` does,
// through the wasm core: stream the file in 4 MiB chunks, then the report,
// printed as the CLI prints it (the same bytes, newline included: the wasm
// parity suite checks that report.analyze over ingest handles is the CLI's
// JSON; the ingest benchmark compares the two outputs' sha256).
import fs from 'node:fs';
import path from 'node:path';

const [wasmDir, file] = process.argv.slice(2);
const { loadGlint } = await import(path.resolve(wasmDir, 'wasm', 'node.mjs'));
const core = await loadGlint();
const { handle } = core.call('ingest.open', { name: file });
const fd = fs.openSync(file, 'r');
const buf = new Uint8Array(4 << 20);
let n;
while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) core.call('ingest.feed', { handle }, buf.subarray(0, n));
fs.closeSync(fd);
core.call('ingest.close', { handle });
process.stdout.write(`${core.callRaw('report.analyze', JSON.stringify({ handles: [handle] }), null)}\n`);
