// PapaParse on the benchmark file: streaming parse, sums per campaign and day.
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
      const key = `${d[1]}\u001f${d[2]}\u001f${d[0]}`;
      const s = sums.get(key) ?? [0, 0, 0, 0, 0];
      for (let i = 0; i < 5; ++i) s[i] += Number(d[6 + i]);
      sums.set(key, s);
    },
    complete: resolve,
    error: reject,
  });
});
process.stdout.write(String(sums.size));
