// DuckDB-WASM in node on the benchmark file: the same GROUP BY scan over
// read_csv as duckdb.mjs, through the package's node blocking bundle (no
// worker; one thread: the wasm build has no threads outside a cross-origin
// isolated page). The file is read from disk by the bundle's node runtime
// (NODE_FS), not loaded into memory first. Prints "GROUPS ROWS" as
// duckdb.mjs does.
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const duckdb = require('@duckdb/duckdb-wasm/blocking');
const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));

const file = path.resolve(process.argv[2]);
const db = await duckdb.createDuckDB({
  mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: path.join(dist, 'duckdb-node-mvp.worker.cjs') },
  eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: path.join(dist, 'duckdb-node-eh.worker.cjs') },
}, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
await db.instantiate(() => {});
db.registerFileURL('ads.csv', file, duckdb.DuckDBDataProtocol.NODE_FS, true);
const con = db.connect();
const result = con.query(`SELECT platform, campaign_id, campaign_name, date, sum(impressions), sum(clicks), sum(spend),
  sum(conversions), sum(conversion_value), count(*) FROM read_csv('ads.csv', header=true)
  GROUP BY ALL`);
let rows = 0;
for (const n of result.getChildAt(9)) rows += Number(n);
process.stdout.write(`${result.numRows} ${rows}\n`);
con.close();
