// PapaParse on the benchmark file: streaming parse; what duckdb.mjs's GROUP BY
// computes: sums of the five measures per platform, campaign (id and name)
// and day, and the row count of each. Prints "GROUPS ROWS" as duckdb.mjs does.
import fs from 'node:fs';
import Papa from 'papaparse';

const file = process.argv[2];
const sums = new Map();
let header = null;
await new Promise((resolve, reject) => {
  Papa.parse(fs.createReadStream(file), {
    step: (r) => {
      if (!header) { header = r.data; return; }
      const d = r.data;
      const key = `${d[1]}\u001f${d[2]}\u001f${d[3]}\u001f${d[0]}`;
      const s = sums.get(key) ?? [0, 0, 0, 0, 0, 0];
      for (let i = 0; i < 5; ++i) s[i] += Number(d[6 + i]);
      s[5] += 1;
      sums.set(key, s);
    },
    complete: resolve,
    error: reject,
  });
});
let rows = 0;
for (const s of sums.values()) rows += s[5];
process.stdout.write(`${sums.size} ${rows}\n`);
