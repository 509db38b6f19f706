// DuckDB on the benchmark file: one GROUP BY scan over read_csv, 2 threads.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const sql = `SELECT platform, campaign_id, campaign_name, date, sum(impressions), sum(clicks), sum(spend),
  sum(conversions), sum(conversion_value), count(*) FROM read_csv('${file.replace(/'/g, "''")}', header=true)
  GROUP BY ALL`;
const result = await con.runAndReadAll(sql);
process.stdout.write(String(result.getRows().length));
