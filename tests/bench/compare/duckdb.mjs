// node duckdb.mjs FILE [THREADS] — DuckDB on the benchmark file: one GROUP BY
// scan over read_csv with THREADS threads (default 2; the bench passes all):
// sums per platform, campaign and day, and count(*). Prints "GROUPS ROWS"
// (the same line as duckdb_wasm.mjs and papaparse.mjs, so the bench can see
// that the three read the file alike).
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads = '2'] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads });
const con = await db.connect();
const sql = `SELECT platform, campaign_id, campaign_name, date, sum(impressions), sum(clicks), sum(spend),
  sum(conversions), sum(conversion_value), count(*) FROM read_csv('${file.replace(/'/g, "''")}', header=true)
  GROUP BY ALL`;
const result = await con.runAndReadAll(sql);
const groups = result.getRows();
const rows = groups.reduce((n, g) => n + Number(g[9]), 0);
process.stdout.write(`${groups.length} ${rows}\n`);
