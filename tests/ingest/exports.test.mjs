// exports.test.mjs — ingest reads realistic exports of every platform exactly.
//
//   node exports.test.mjs --glint PATH --wasm-dir BUILD/wasm --work DIR
//
// One known dataset (exports.mjs) is rendered into each platform's export
// format. For each file: the native CLI and the wasm core must print
// byte-identical JSON; the detection (platform, encoding, delimiter, header
// row, currency, excluded rows) must be what the generator wrote; and every
// total, per-campaign (web: per-source) and per-day figure, with the derived
// ratios, must equal the sums this test computes from the generator's rows.
// Every failure is printed; the exit status is non-zero when there is one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { argValue } from '../support/golden.mjs';
import { GENERATORS, makeDataset, multiCurrency, multiTableNoKnownMetric, overlappingExports } from './exports.mjs';

const glint = argValue('--glint');
const wasmDir = argValue('--wasm-dir');
const work = argValue('--work');
fs.mkdirSync(work, { recursive: true });

const nodeModule = path.join(wasmDir, 'wasm', 'node.mjs');
if (!fs.existsSync(nodeModule)) {
  console.error(`FAIL setup: ${nodeModule} is missing: build the wasm preset first`);
  process.exit(1);
}
const { loadGlint } = await import(nodeModule);
const core = await loadGlint();

// ---------------------------------------------------------------- metrics

const AD_METRICS = ['impressions', 'clicks', 'spend', 'conversions', 'conversion_value'];
const WEB_METRICS = ['sessions', 'engaged_sessions', 'users', 'new_users', 'views', 'key_events', 'revenue'];
// Rows hold these in hundredths (money in cents); the rest are plain counts.
const HUNDREDTHS = new Set(['spend', 'conversions', 'conversion_value', 'key_events', 'revenue']);
const MONEY = new Set(['spend', 'conversion_value', 'revenue']);

function sumRows(rows, metrics) {
  const s = { rows: rows.length };
  for (const m of metrics) s[m] = 0;
  for (const r of rows) for (const m of metrics) s[m] += r[m];
  return s;
}

function groupBy(rows, keyOf) {
  const out = new Map();
  for (const r of rows) {
    const k = keyOf(r);
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(r);
  }
  return out;
}

const value = (sums, m) => (HUNDREDTHS.has(m) ? sums[m] / 100 : sums[m]);
const ratio = (num, den, scale = 1) => (den === 0 ? null : (scale * num) / den);

// Derived metrics from OUR sums; null when a column is missing, the
// denominator is 0, or (noMoney) the ratio involves money of mixed currencies.
function expectedRates(kind, sums, present, noMoney) {
  const has = (...ms) => ms.every((m) => present.includes(m));
  const v = (m) => value(sums, m);
  if (kind === 'web') {
    return {
      engagement_rate: has('sessions', 'engaged_sessions') ? ratio(v('engaged_sessions'), v('sessions')) : null,
      key_event_rate: has('sessions', 'key_events') ? ratio(v('key_events'), v('sessions')) : null,
      revenue_per_session: has('sessions', 'revenue') && !noMoney ? ratio(v('revenue'), v('sessions')) : null,
    };
  }
  return {
    ctr: has('clicks', 'impressions') ? ratio(v('clicks'), v('impressions')) : null,
    cpc: has('spend', 'clicks') && !noMoney ? ratio(v('spend'), v('clicks')) : null,
    cpm: has('spend', 'impressions') && !noMoney ? ratio(v('spend'), v('impressions'), 1000) : null,
    cpa: has('spend', 'conversions') && !noMoney ? ratio(v('spend'), v('conversions')) : null,
    roas: has('conversion_value', 'spend') && !noMoney ? ratio(v('conversion_value'), v('spend')) : null,
    cvr: has('conversions', 'clicks') ? ratio(v('conversions'), v('clicks')) : null,
  };
}

function sameNumber(got, exp) {
  if (exp === null) return got === null;
  if (typeof got !== 'number') return false;
  if (Number.isInteger(exp) && Number.isInteger(got)) return got === exp;
  return Math.abs(got - exp) <= 1e-9 * Math.max(1, Math.abs(exp));
}

// Compares one metrics object of glint's report with our sums; every
// mismatch of one object goes on one line.
function checkMetrics(problems, where, got, sums, { kind, present, noMoney = false }) {
  if (!got || typeof got !== 'object') {
    problems.push(`${where}: missing`);
    return;
  }
  const wrong = [];
  const metrics = kind === 'web' ? WEB_METRICS : AD_METRICS;
  for (const m of metrics) {
    const exp = !present.includes(m) || (noMoney && MONEY.has(m)) ? null : value(sums, m);
    if (!sameNumber(got[m], exp)) wrong.push(`${m} expected ${exp}, glint ${JSON.stringify(got[m])}`);
  }
  if (got.rows !== sums.rows) wrong.push(`rows expected ${sums.rows}, glint ${JSON.stringify(got.rows)}`);
  for (const [k, exp] of Object.entries(expectedRates(kind, sums, present, noMoney))) {
    if (!sameNumber(got[k], exp)) wrong.push(`${k} expected ${exp} (our sums), glint ${JSON.stringify(got[k])}`);
  }
  if (wrong.length) problems.push(`${where}: ${wrong.join('; ')}`);
}

const show = (s) => JSON.stringify(s);

// Matches glint's group rows against our groups, both ways.
function checkGroups(problems, section, gotRows, expGroups, { keyOfGot, describe, check }) {
  if (!Array.isArray(gotRows)) {
    problems.push(`${section}: missing (glint says ${show(gotRows)})`);
    return;
  }
  const byKey = groupBy(gotRows, keyOfGot);
  for (const [k, rows] of expGroups) {
    const found = byKey.get(k);
    if (!found) {
      problems.push(`${section}: no row for ${describe(rows[0])} (expected ${rows.length} data rows there)`);
      continue;
    }
    if (found.length > 1) problems.push(`${section}: ${found.length} rows for ${describe(rows[0])}, expected one`);
    check(`${section}[${describe(rows[0])}]`, found[0], rows);
  }
  for (const [k, rows] of byKey) {
    if (!expGroups.has(k)) problems.push(`${section}: unexpected row ${k} (${rows[0].rows} rows) — not in the data`);
  }
}

// ---------------------------------------------------------------- report checks

function checkInput(problems, where, input, file, exp) {
  if (!input) {
    problems.push(`${where}: missing`);
    return;
  }
  const fields = {
    name: file, platform: exp.platform, encoding: exp.encoding, bom: exp.bom, delimiter: exp.delimiter,
    header_row: exp.header_row, currency: exp.currency, kind: exp.kind, date_format: exp.date_format,
    rows: exp.rows.length, rows_without_date: exp.rows_without_date ?? 0, date_min: exp.date_min, date_max: exp.date_max,
    excluded_total: exp.excluded.length,
  };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (input[k] !== v) problems.push(`${where}.${k}: expected ${show(v)}, glint says ${show(input[k])}`);
  }
  const excluded = input.excluded_rows || [];
  for (const e of exp.excluded) {
    const hit = excluded.find((x) => x.row === e.line && String(x.reason).includes(e.reason));
    if (!hit) {
      problems.push(`${where}.excluded_rows: expected line ${e.line} excluded with a reason containing ${show(e.reason)}; ` +
        `glint excluded ${show(excluded.map((x) => `${x.row}: ${x.reason}`))}`);
    }
  }
  const wrongly = excluded.filter((x) => !exp.excluded.some((e) => e.line === x.row));
  if (wrongly.length) {
    problems.push(`${where}.excluded_rows: ${wrongly.length} data rows excluded: ` +
      wrongly.map((x) => `line ${x.row} (${x.reason})`).join(', '));
  }
  for (const d of input.diagnostics || []) {
    if (d.severity === 'error') problems.push(`${where}.diagnostics: error on line ${d.row} ${show(d.column)}: ${d.message}`);
  }
  for (const text of exp.diagnostics_include || []) {
    if (!(input.diagnostics || []).some((d) => String(d.message).includes(text))) {
      problems.push(`${where}.diagnostics: none says ${show(text)}; glint said ${show((input.diagnostics || []).map((d) => d.message))}`);
    }
  }
  // Rows repeating an earlier row: only where the generator wrote them.
  if ((input.duplicates?.count ?? 0) !== (exp.duplicates ?? 0)) {
    problems.push(`${where}.duplicates: expected ${exp.duplicates ?? 0} repeated rows, glint says ${show(input.duplicates)}`);
  }
  checkSummaryChecks(problems, where, input.checks, exp);
  if (exp.sections) {
    const got = (input.sections || []).map((x) => ({ header_row: x.header_row, rows: x.rows, used: x.used }));
    if (show(got) !== show(exp.sections)) problems.push(`${where}.sections: expected ${show(exp.sections)}, glint says ${show(input.sections)}`);
  } else if (input.sections !== undefined) {
    problems.push(`${where}.sections: a one-table file lists sections ${show(input.sections)}`);
  }
}

// The export's own totals: every summary row the file has must be checked,
// with the verdict this test knows (the generator wrote the total and the
// rows, so it knows whether they agree and which metrics do not). Files whose
// generator states no checks wrote only totals equal to their rows.
function checkSummaryChecks(problems, where, checks, exp) {
  if (!Array.isArray(checks)) {
    problems.push(`${where}.checks: missing`);
    return;
  }
  const expected = exp.checks ?? exp.excluded.filter((e) => !/footer|comment|empty/i.test(e.reason))
    .map((e) => ({ line: e.line, matches: true, differing: [] }));
  for (const e of expected) {
    const got = checks.find((c) => c.row === e.line);
    if (!got) {
      problems.push(`${where}.checks: no check for the summary row on line ${e.line}; glint checked ${show(checks.map((c) => c.row))}`);
      continue;
    }
    if (e.label !== undefined && got.label !== e.label) problems.push(`${where}.checks[line ${e.line}].label: expected ${show(e.label)}, glint ${show(got.label)}`);
    if (got.matches !== e.matches) {
      problems.push(`${where}.checks[line ${e.line}].matches: expected ${e.matches}, glint ${show(got)}`);
      continue;
    }
    if (!e.matches) {
      const named = (got.differences || []).map((d) => d.metric).sort();
      if (show(named) !== show([...e.differing].sort())) {
        problems.push(`${where}.checks[line ${e.line}].differences: expected ${show(e.differing)}, glint ${show(named)}`);
      }
    }
  }
  for (const c of checks) {
    if (!expected.some((e) => e.line === c.row)) problems.push(`${where}.checks: unexpected check ${show(c)}`);
  }
}

const currencyKey = (c) => c ?? 'null';

function checkReport(problems, doc, exp, { noMoney = false } = {}) {
  const kind = exp.kind;
  const present = exp.metrics;
  const metrics = kind === 'web' ? WEB_METRICS : AD_METRICS;
  if (doc.kind !== kind) problems.push(`kind: expected ${show(kind)}, glint says ${show(doc.kind)}`);
  const currencies = [...new Set(exp.rows.map((r) => r.currency))].sort();
  const gotCurrencies = (doc.currencies || []).slice().sort();
  if (show(gotCurrencies) !== show(currencies)) problems.push(`currencies: expected ${show(currencies)}, glint says ${show(doc.currencies)}`);

  checkMetrics(problems, 'totals', doc.totals, sumRows(exp.rows, metrics), { kind, present, noMoney });
  if (noMoney) {
    const tbc = doc.totals_by_currency || {};
    for (const [cur, rows] of groupBy(exp.rows, (r) => r.currency)) {
      checkMetrics(problems, `totals_by_currency.${cur}`, tbc[cur], sumRows(rows, metrics), { kind, present });
    }
    for (const cur of Object.keys(tbc)) {
      if (!currencies.includes(cur)) problems.push(`totals_by_currency: unexpected currency ${show(cur)}`);
    }
  } else if (doc.totals_by_currency !== undefined) {
    problems.push(`totals_by_currency: present for a single-currency report: ${show(Object.keys(doc.totals_by_currency))}`);
  }

  const opts = { kind, present };
  checkGroups(problems, 'by_platform', doc.by_platform, groupBy(exp.rows, (r) => `${r.platform}|${currencyKey(r.currency)}`), {
    keyOfGot: (g) => `${g.platform}|${currencyKey(g.currency)}`,
    describe: (r) => `${r.platform} ${currencyKey(r.currency)}`,
    check: (where, got, rows) => checkMetrics(problems, where, got, sumRows(rows, metrics), opts),
  });

  if (kind === 'web') {
    checkGroups(problems, 'by_source', doc.by_source, groupBy(exp.rows, (r) => show([r.platform, r.source, r.medium])), {
      keyOfGot: (g) => show([g.platform, g.source, g.medium]),
      describe: (r) => show(`${r.source} / ${r.medium}`),
      check: (where, got, rows) => checkMetrics(problems, where, got, sumRows(rows, metrics), opts),
    });
  } else {
    checkGroups(problems, 'by_campaign', doc.by_campaign,
      groupBy(exp.rows, (r) => show([r.platform, r.currency, r.campaign])), {
        keyOfGot: (g) => show([g.platform, g.currency, g.campaign]),
        describe: (r) => `${r.platform} ${currencyKey(r.currency)} ${show(r.campaign)}`,
        check: (where, got, rows) => {
          const id = rows[0].campaign_id ?? '';
          if (got.campaign_id !== id) problems.push(`${where}.campaign_id: expected ${show(id)}, glint says ${show(got.campaign_id)}`);
          checkMetrics(problems, where, got, sumRows(rows, metrics), opts);
        },
      });
  }

  checkGroups(problems, 'by_day', doc.by_day, groupBy(exp.rows.filter((r) => r.date), (r) => `${r.date}|${currencyKey(r.currency)}`), {
    keyOfGot: (g) => `${g.date}|${currencyKey(g.currency)}`,
    describe: (r) => `${r.date} ${currencyKey(r.currency)}`,
    check: (where, got, rows) => checkMetrics(problems, where, got, sumRows(rows, metrics), opts),
  });
}

// ---------------------------------------------------------------- running glint

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) ++i;
  return `at character ${i}: native …${show(a.slice(Math.max(0, i - 60), i + 60))}… wasm …${show(b.slice(Math.max(0, i - 60), i + 60))}…`;
}

// One file: the page's single 'analyze' call. Several files, or chunk > 0:
// the CLI's own sequence, ingest.open / feed / close per file, then
// report.analyze; with chunk > 0 the bytes go in pieces of that size, so
// UTF-8 sequences, UTF-16 code units, CRLF pairs and quoted fields straddle
// feeds.
function wasmAnalyze(files, chunk = 0) {
  if (files.length === 1 && chunk === 0) {
    return core.callRaw('analyze', JSON.stringify({ name: files[0].path }), files[0].bytes);
  }
  const handles = [];
  for (const f of files) {
    const opened = JSON.parse(core.callRaw('ingest.open', JSON.stringify({ name: f.path }), null));
    if (opened.error) return JSON.stringify(opened);
    const size = chunk || f.bytes.length;
    for (let i = 0; i < f.bytes.length; i += size) {
      const fed = JSON.parse(core.callRaw('ingest.feed', JSON.stringify({ handle: opened.handle }), f.bytes.subarray(i, i + size)));
      if (fed.error) return JSON.stringify(fed);
    }
    const closed = JSON.parse(core.callRaw('ingest.close', JSON.stringify({ handle: opened.handle }), null));
    if (closed.error) return JSON.stringify(closed);
    handles.push(opened.handle);
  }
  const text = core.callRaw('report.analyze', JSON.stringify({ handles }), null);
  for (const h of handles) core.callRaw('ingest.drop', JSON.stringify({ handle: h }), null);
  return text;
}

const FEED_CHUNK = 7;

// Writes the files, runs both builds; returns the parsed report or null.
function runBoth(problems, files) {
  for (const f of files) {
    f.path = path.join(work, f.name);
    fs.writeFileSync(f.path, f.bytes);
  }
  const native = spawnSync(glint, ['analyze', '--json', ...files.map((f) => f.path)], { encoding: 'utf8', maxBuffer: 1 << 30 });
  let wasmText, chunkedText;
  try {
    wasmText = wasmAnalyze(files);
    chunkedText = wasmAnalyze(files, FEED_CHUNK);
  } catch (e) {
    problems.push(`wasm call threw: ${e.message}`);
  }
  if (native.status !== 0) {
    problems.push(`native glint exited ${native.status}: ${native.stderr.trim()}`);
    if (wasmText !== undefined) problems.push(`wasm says: ${wasmText.slice(0, 400)}`);
    return null;
  }
  if (native.stderr.trim()) problems.push(`native glint wrote to stderr: ${native.stderr.trim()}`);
  const nativeText = native.stdout.replace(/\n$/, '');
  if (wasmText !== undefined && nativeText !== wasmText) {
    problems.push(`native and wasm JSON differ ${firstDifference(nativeText, wasmText)}`);
  }
  if (chunkedText !== undefined && nativeText !== chunkedText) {
    problems.push(`native JSON and wasm fed in ${FEED_CHUNK}-byte chunks differ ${firstDifference(nativeText, chunkedText)}`);
  }
  const doc = JSON.parse(nativeText);
  if (doc.error) {
    problems.push(`glint error: ${show(doc.error)}`);
    return null;
  }
  return doc;
}

// ---------------------------------------------------------------- main

const started = Date.now();
const ds = makeDataset();
let failures = 0;

function finish(format, problems) {
  if (problems.length === 0) {
    console.log(`ok ${format}`);
    return;
  }
  ++failures;
  console.log(`FAIL ${format} (${problems.length} problem${problems.length === 1 ? '' : 's'})`);
  for (const p of problems) console.log(`  ${p}`);
}

for (const [format, generate] of GENERATORS) {
  const problems = [];
  try {
    const exp = generate(ds);
    const files = [{ name: exp.name, bytes: exp.bytes }];
    const doc = runBoth(problems, files);
    if (doc) {
      checkInput(problems, 'inputs[0]', doc.inputs?.[0], files[0].path, exp.expect);
      if (doc.inputs?.length !== 1) problems.push(`inputs: expected 1, glint says ${doc.inputs?.length}`);
      checkReport(problems, doc, exp.expect);
    }
  } catch (e) {
    problems.push(`test error: ${e.stack}`);
  }
  finish(format, problems);
}

{
  const format = 'two_files_google_usd_meta_eur';
  const problems = [];
  try {
    const multi = multiCurrency(ds);
    const files = multi.files.map((f) => ({ name: f.name, bytes: f.bytes }));
    const doc = runBoth(problems, files);
    if (doc) {
      if (doc.inputs?.length !== 2) problems.push(`inputs: expected 2, glint says ${doc.inputs?.length}`);
      multi.files.forEach((f, i) => checkInput(problems, `inputs[${i}]`, doc.inputs?.[i], files[i].path, f.expect));
      checkReport(problems, doc, multi.expect, { noMoney: true });
    }
  } catch (e) {
    problems.push(`test error: ${e.stack}`);
  }
  finish(format, problems);
}

// Two exports overlapping on their last 15 days: the overlap counts once,
// from the file given last, and the report says so.
{
  const format = 'two_files_overlapping_days_counted_once';
  const problems = [];
  try {
    const multi = overlappingExports(ds);
    const files = multi.files.map((f) => ({ name: f.name, bytes: f.bytes }));
    const doc = runBoth(problems, files);
    if (doc) {
      multi.files.forEach((f, i) => checkInput(problems, `inputs[${i}]`, doc.inputs?.[i], files[i].path, f.expect));
      checkReport(problems, doc, multi.expect);
      const o = doc.overlaps?.[0];
      if (doc.overlaps?.length !== 1 || o.days !== multi.overlapDays || o.kept !== files[1].name || !o.counted_once) {
        problems.push(`overlaps: expected one of ${multi.overlapDays} days kept from ${files[1].name}, glint says ${show(doc.overlaps)}`);
      }
    }
  } catch (e) {
    problems.push(`test error: ${e.stack}`);
  }
  finish(format, problems);
}

// A file of several tables none of which has a known metric: both builds
// fail with one clear reason (exit 1), never a report of nulls.
{
  const format = 'multi_table_without_known_metric_fails';
  const problems = [];
  try {
    const f = multiTableNoKnownMetric();
    const file = path.join(work, f.name);
    fs.writeFileSync(file, f.bytes);
    const native = spawnSync(glint, ['analyze', '--json', file], { encoding: 'utf8' });
    if (native.status !== 1) problems.push(`native glint exited ${native.status}, expected 1; stdout ${native.stdout.slice(0, 300)}`);
    if (!/none of the 2 tables/.test(native.stderr + native.stdout)) problems.push(`native reason does not name the tables: ${show(native.stderr)}`);
    const wasm = JSON.parse(core.callRaw('analyze', JSON.stringify({ name: file }), f.bytes));
    if (!wasm.error || !/none of the 2 tables/.test(wasm.error.message)) problems.push(`wasm: expected the same error, got ${show(wasm).slice(0, 300)}`);
  } catch (e) {
    problems.push(`test error: ${e.stack}`);
  }
  finish(format, problems);
}

const total = GENERATORS.length + 3;
console.log(`${total - failures}/${total} exports read exactly (${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (failures > 0) process.exit(1);
