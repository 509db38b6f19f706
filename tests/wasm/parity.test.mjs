// The wasm build in node, against the native binary: for every CSV fixture in
// tests/data, `glint analyze --json FILE` and the wasm core's analyze call must
// give byte-identical JSON, and both must match the hand-computed golden
// (<case>.expected.json) where one exists. Error cases must agree too.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { argValue, goldenMismatches, schemaValidator } from '../support/golden.mjs';

const wasmDir = argValue('--wasm-dir');
const glint = argValue('--glint');
const dataDir = argValue('--data');

const nodeModule = path.join(wasmDir, 'wasm', 'node.mjs');
assert.ok(fs.existsSync(nodeModule), `${nodeModule} is missing: build the wasm preset first`);
const { loadGlint } = await import(nodeModule);
const core = await loadGlint();
const validateReport = schemaValidator('analyze_report.schema.json');

let checked = 0;
let failures = 0;
const fixtures = fs.readdirSync(dataDir).filter((f) => /\.(csv|tsv|txt)$/.test(f)).sort();
assert.ok(fixtures.length > 0, `no fixtures in ${dataDir}`);

for (const name of fixtures) {
  const file = path.join(dataDir, name);
  const bytes = fs.readFileSync(file);
  const wasmText = core.callRaw('analyze', JSON.stringify({ name: file }), bytes);
  const native = spawnSync(glint, ['analyze', '--json', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wasmDoc = JSON.parse(wasmText);
  if (native.status === 0) {
    const nativeText = native.stdout.replace(/\n$/, '');
    if (nativeText !== wasmText) {
      failures++;
      console.error(`FAIL ${name}: native and wasm JSON differ\n native: ${nativeText.slice(0, 400)}\n wasm:   ${wasmText.slice(0, 400)}`);
      continue;
    }
  } else if (!wasmDoc.error) {
    failures++;
    console.error(`FAIL ${name}: native failed (${native.stderr.trim()}) but wasm produced a report`);
    continue;
  } else if (!native.stderr.includes(wasmDoc.error.message)) {
    failures++;
    console.error(`FAIL ${name}: different errors: native '${native.stderr.trim()}', wasm '${wasmDoc.error.message}'`);
    continue;
  }
  if (!wasmDoc.error) {
    const invalid = validateReport(wasmDoc);
    if (invalid.length) {
      failures++;
      console.error(`FAIL ${name}: report does not follow analyze_report.schema.json:\n  ${invalid.slice(0, 10).join('\n  ')}`);
      continue;
    }
  }
  const goldenFile = file.replace(/\.[a-z]+$/, '.expected.json');
  if (fs.existsSync(goldenFile)) {
    const problems = goldenMismatches(wasmDoc, JSON.parse(fs.readFileSync(goldenFile, 'utf8')));
    if (problems.length) {
      failures++;
      console.error(`FAIL ${name}: differs from its golden:\n  ${problems.slice(0, 20).join('\n  ')}`);
      continue;
    }
  }
  checked++;
  console.log(`ok   ${name} (${bytes.length} bytes, identical JSON)`);
}

// Highlights and the full analysis: byte-identical too, and schema-valid.
const validateHighlight = schemaValidator('highlight_response.schema.json');
const validateAnalysis = schemaValidator('performance_analysis.schema.json');
for (const name of fixtures) {
  const file = path.join(dataDir, name);
  const bytes = fs.readFileSync(file);
  const { handle } = core.call('ingest.open', { name: file });
  core.call('ingest.feed', { handle }, bytes);
  try {
    core.call('ingest.close', { handle });
  } catch {
    continue;  // unreadable fixtures were compared above
  }
  for (const type of ['summary', 'grow', 'optimize', 'protect']) {
    const wasmText = core.callRaw('report.highlight', JSON.stringify({ handles: [handle], highlight_type: type }), null);
    const native = spawnSync(glint, ['highlight', '--json', '--type', type, file], { encoding: 'utf8' });
    const problems = validateHighlight(JSON.parse(wasmText));
    if (native.stdout.replace(/\n$/, '') !== wasmText || problems.length) {
      failures++;
      console.error(`FAIL ${name} highlight ${type}: ${problems.join('; ') || 'native and wasm differ'}`);
    }
  }
  const fullWasm = core.callRaw('report.analyze', JSON.stringify({ handles: [handle], full: true }), null);
  const fullNative = spawnSync(glint, ['analyze', '--json', '--full', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const analysisProblems = validateAnalysis(JSON.parse(fullWasm).analysis ?? {});
  if (fullNative.stdout.replace(/\n$/, '') !== fullWasm || analysisProblems.length) {
    failures++;
    console.error(`FAIL ${name} analyze --full: ${analysisProblems.join('; ') || 'native and wasm differ'}`);
  } else {
    console.log(`ok   ${name}: highlights and full analysis identical`);
  }
}

// Several inputs in one report, and the options that change the answer
// (issue 12: coverage across files, overlapping files, ads beside GA4, the
// locale numbers are written in, a currency for files without one, duplicate
// rows kept): native and wasm byte-identical, reports schema-valid.
const reportCases = [
  { files: ['pair_coverage_google_until_april.csv', 'pair_coverage_meta_until_may.csv'], args: [] },
  { files: ['pair_overlap_january.csv', 'pair_overlap_restated.csv'], args: ['--days', '7'] },
  { files: ['pair_overlap_january.csv', 'pair_overlap_restated.csv'], args: ['--days', '7', '--keep-overlaps'] },
  { files: ['pair_coverage_google_until_april.csv', 'ga4_paid_and_organic.csv'], args: [] },
  { files: ['undated_google_campaigns.csv'], args: ['--locale', 'fr-FR', '--currency', 'USD'] },
  { files: ['undated_google_de_all_time.csv'], args: ['--currency', 'EUR'] },
  { files: ['undated_google_pt_todo_periodo.csv'], args: ['--locale', 'es'] },
  { files: ['daily_idr_es_targets.csv'], args: ['--locale', 'pt-BR'] },
  { files: ['one_month_jpy_fr.csv'], args: ['--locale', 'de'] },
  { files: ['duplicated_rows.csv'], args: ['--keep-duplicates'] },
];
function requestOf(args) {
  const req = {};
  const open = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--days') req.days = Number(args[++i]);
    else if (args[i] === '--locale') req.locale = args[++i];
    else if (args[i] === '--currency') req.currency = args[++i];
    else if (args[i] === '--keep-overlaps') req.dedupe_overlaps = false;
    else if (args[i] === '--keep-duplicates') open.dedupe_rows = false;
  }
  return { req, open };
}
for (const c of reportCases) {
  const label = `${c.files.join(' + ')} ${c.args.join(' ')}`.trim();
  const paths = c.files.map((f) => path.join(dataDir, f));
  const { req, open } = requestOf(c.args);
  const handles = paths.map((file) => {
    const { handle } = core.call('ingest.open', { ...open, name: file });
    core.call('ingest.feed', { handle }, fs.readFileSync(file));
    core.call('ingest.close', { handle });
    return handle;
  });
  let ok = true;
  const wasmFull = core.callRaw('report.analyze', JSON.stringify({ ...req, handles, full: true }), null);
  const nativeFull = spawnSync(glint, ['analyze', '--json', '--full', ...c.args, ...paths], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const doc = JSON.parse(wasmFull);
  const problems = [...validateReport(doc), ...validateAnalysis(doc.analysis ?? {})];
  if (nativeFull.stdout.replace(/\n$/, '') !== wasmFull || problems.length) {
    ok = false;
    console.error(`FAIL ${label} analyze --full: ${problems.slice(0, 10).join('; ') || 'native and wasm differ'}`);
  }
  for (const type of ['summary', 'grow', 'optimize', 'protect']) {
    const wasmText = core.callRaw('report.highlight', JSON.stringify({ ...req, handles, highlight_type: type }), null);
    const native = spawnSync(glint, ['highlight', '--json', '--type', type, ...c.args, ...paths], { encoding: 'utf8' });
    const hp = validateHighlight(JSON.parse(wasmText));
    if (native.stdout.replace(/\n$/, '') !== wasmText || hp.length) {
      ok = false;
      console.error(`FAIL ${label} highlight ${type}: ${hp.join('; ') || 'native and wasm differ'}`);
    }
  }
  for (const h of handles) core.call('ingest.drop', { handle: h });
  if (ok) console.log(`ok   ${label}: report, analysis and highlights identical`);
  else failures++;
}

// Written insights' core methods (issue 16): the query_metrics tool, the
// embedded narrative and the grounding checker give the same bytes natively
// (`glint call`) and in wasm.
for (const name of ['daily_two_platforms.csv', 'daily_idr_es_targets.csv', 'ga4_paid_and_organic.csv']) {
  const file = path.join(dataDir, name);
  const { handle } = core.call('ingest.open', { name: file });
  core.call('ingest.feed', { handle }, fs.readFileSync(file));
  core.call('ingest.close', { handle });
  let ok = true;
  const nativeCall = (method, req, files = []) => {
    const reqFile = path.join(os.tmpdir(), `glint_parity_${process.pid}.json`);
    fs.writeFileSync(reqFile, JSON.stringify(req));
    const out = spawnSync(glint, ['call', method, '--request', `@${reqFile}`, ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
    fs.rmSync(reqFile, { force: true });
    return out.stdout.replace(/\n$/, '');
  };
  for (const req of [
    { metrics: ['spend', 'clicks', 'cpc', 'ctr', 'roas'], period: 'last_7_days' },
    { metrics: ['cpa', 'conversions'], period: 'this_month', group_by: 'campaign' },
    { metrics: ['spend', 'sessions'], period: 'all', group_by: 'platform', locale: 'de' },
    { metrics: ['cpc'], period: 'last_week', group_by: 'day' },
  ]) {
    const wasmText = core.callRaw('report.query', JSON.stringify({ ...req, handles: [handle] }), null);
    if (nativeCall('report.query', req, [file]) !== wasmText) {
      ok = false;
      console.error(`FAIL ${name} report.query ${JSON.stringify(req)}: native and wasm differ`);
    }
  }
  const highlights = ['summary', 'grow', 'optimize', 'protect'].map((type) =>
    JSON.parse(core.callRaw('report.highlight', JSON.stringify({ handles: [handle], highlight_type: type }), null)));
  const narrative = core.callRaw('narrative.write', JSON.stringify({ highlights }), null);
  if (nativeCall('narrative.write', { highlights }) !== narrative) {
    ok = false;
    console.error(`FAIL ${name} narrative.write: native and wasm differ`);
  }
  const facts = highlights.flatMap((h) => h.facts ?? []);
  for (const text of [JSON.parse(narrative).text ?? '', 'Spend rose 317% to $1,234.50 on 2026-09-10; CTR +0.5 pts, ROAS 3.2x.']) {
    const req = { text, facts, date_range: highlights[0].date_range };
    const wasmCheck = core.callRaw('grounding.check', JSON.stringify(req), null);
    if (nativeCall('grounding.check', req) !== wasmCheck) {
      ok = false;
      console.error(`FAIL ${name} grounding.check: native and wasm differ`);
    }
  }
  core.call('ingest.drop', { handle });
  if (ok) console.log(`ok   ${name}: report.query, narrative.write and grounding.check identical`);
  else failures++;
}

// The page's analyst controls (issue 17): a chosen range, every comparison,
// row filters and report.breakdown give the same bytes natively and in wasm,
// and the report still follows its schema.
for (const name of ['daily_two_platforms.csv', 'pair_coverage_google_until_april.csv', 'ga4_paid_and_organic.csv', 'daily_idr_es_targets.csv']) {
  const file = path.join(dataDir, name);
  const { handle } = core.call('ingest.open', { name: file });
  core.call('ingest.feed', { handle }, fs.readFileSync(file));
  core.call('ingest.close', { handle });
  const report = core.call('report.analyze', { handles: [handle] });
  const last = report.date_max ?? report.web?.date_max;
  let ok = true;
  const nativeCall = (method, req) => {
    const reqFile = path.join(os.tmpdir(), `glint_parity_slice_${process.pid}.json`);
    fs.writeFileSync(reqFile, JSON.stringify(req));
    const out = spawnSync(glint, ['call', method, '--request', `@${reqFile}`, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    fs.rmSync(reqFile, { force: true });
    return out.stdout.replace(/\n$/, '');
  };
  const platform = report.filter_values.platforms[0];
  const campaign = report.filter_values.campaigns[0]?.name;
  const requests = [
    { method: 'report.analyze', req: { full: true, start: last.slice(0, 8) + '01', end: last, compare: 'year' } },
    { method: 'report.analyze', req: { days: 14, compare: 'none', platforms: [platform] } },
    { method: 'report.analyze', req: { days: 7, compare: { start: '2026-01-01', end: '2026-01-31' }, ...(campaign ? { campaigns: [campaign] } : {}) } },
    { method: 'report.highlight', req: { highlight_type: 'summary', days: 28, compare: 'year', platforms: [platform] } },
    { method: 'report.breakdown', req: { level: report.levels.ads.includes('campaign') ? 'campaign' : 'source_medium', days: 30 } },
    { method: 'report.breakdown', req: { level: 'platform', compare: 'none' } },
  ];
  for (const { method, req } of requests) {
    const wasmText = core.callRaw(method, JSON.stringify({ ...req, handles: [handle] }), null);
    if (JSON.parse(wasmText).error) {
      ok = false;
      console.error(`FAIL ${name} ${method} ${JSON.stringify(req)}: ${wasmText}`);
      continue;
    }
    if (nativeCall(method, req) !== wasmText) {
      ok = false;
      console.error(`FAIL ${name} ${method} ${JSON.stringify(req)}: native and wasm differ`);
    }
    if (method === 'report.analyze') {
      const invalid = validateReport(JSON.parse(wasmText));
      if (invalid.length > 0) {
        ok = false;
        console.error(`FAIL ${name} ${JSON.stringify(req)}: report does not follow analyze_report.schema.json:\n  ${invalid.slice(0, 10).join('\n  ')}`);
      }
    }
  }
  core.call('ingest.drop', { handle });
  if (ok) console.log(`ok   ${name}: ranges, comparisons, filters and breakdowns identical`);
  else failures++;
}

// Errors cross the boundary as error documents, never as crashes.
for (const [label, bytes] of [['empty', new Uint8Array()], ['binary', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2])]]) {
  const doc = JSON.parse(core.callRaw('analyze', '{"name":"x"}', bytes));
  assert.ok(doc.error, `${label} input must give an error document`);
}
assert.equal(JSON.parse(core.callRaw('no.such.method', '{}', null)).error.code, 'unknown_method');
assert.equal(core.version(), execFileSync(glint, ['--version'], { encoding: 'utf8' }).trim().replace(/^glint /, ''));

console.log(`${checked}/${fixtures.length} fixtures identical between native and wasm`);
if (failures > 0) process.exit(1);
