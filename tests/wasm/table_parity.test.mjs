// Funnel, attribution and profile through the wasm build in node, against the
// native binary: for every tests/data/{funnel,attribution,profile}_*.csv and a
// few generated large inputs (so the sketches kick in), `glint <method> --json`
// and the wasm core's call with the same request must give byte-identical JSON
// (or the same error), and each report must follow its schema.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { argValue, schemaValidator } from '../support/golden.mjs';

const wasmDir = argValue('--wasm-dir');
const glint = argValue('--glint');
const dataDir = argValue('--data');

const nodeModule = path.join(wasmDir, 'wasm', 'node.mjs');
assert.ok(fs.existsSync(nodeModule), `${nodeModule} is missing: build the wasm preset first`);
const { loadGlint } = await import(nodeModule);
const core = await loadGlint();
const validators = {
  funnel: schemaValidator('funnel_report.schema.json'),
  attribution: schemaValidator('attribution_report.schema.json'),
  profile: schemaValidator('profile_report.schema.json'),
};

const STEPS = 'Visit,View Product,Add to Cart,Checkout,Purchase';

// Each case: the CLI's arguments and the request they stand for.
function casesFor(name) {
  if (name.startsWith('funnel_events')) {
    return [
      { method: 'funnel', args: ['--steps', STEPS], request: { steps: STEPS } },
      { method: 'funnel', args: ['--steps', STEPS, '--order', 'strict'], request: { steps: STEPS, order: 'strict' } },
      { method: 'funnel', args: ['--steps', STEPS, '--order', 'any', '--window', '8d'], request: { steps: STEPS, order: 'any', window: '8d' } },
      { method: 'funnel', args: ['--steps', STEPS, '--breakdown', 'source'], request: { steps: STEPS, breakdown: 'source' } },
      { method: 'funnel', args: ['--steps', 'Landing,Signup'], request: { steps: 'Landing,Signup' } },
    ];
  }
  if (name.startsWith('funnel_')) {
    return [
      { method: 'funnel', args: [], request: {} },
      { method: 'funnel', args: ['--breakdown', 'Device category'], request: { breakdown: 'Device category' } },
    ];
  }
  if (name.startsWith('attribution_')) {
    return [
      { method: 'attribution', args: ['--model', 'all'], request: { model: 'all' } },
      { method: 'attribution', args: ['--model', 'time_decay,markov', '--half-life-days', '3'], request: { model: 'time_decay,markov', half_life_days: 3 } },
    ];
  }
  if (name.startsWith('profile_')) {
    return [
      { method: 'profile', args: [], request: {} },
      { method: 'profile', args: ['--top', '3', '--bins', '5'], request: { top_values: 3, histogram_bins: 5 } },
    ];
  }
  return [];
}

let checked = 0;
let failures = 0;

function compare(label, file, { method, args, request }) {
  const bytes = fs.readFileSync(file);
  const wasmText = core.callRaw(method, JSON.stringify({ name: file, ...request }), bytes);
  const native = spawnSync(glint, [method, '--json', ...args, file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wasmDoc = JSON.parse(wasmText);
  if (native.status === 0) {
    const nativeText = native.stdout.replace(/\n$/, '');
    if (nativeText !== wasmText) {
      failures++;
      let at = 0;
      while (at < nativeText.length && nativeText[at] === wasmText[at]) at++;
      console.error(`FAIL ${label}: native and wasm JSON differ at byte ${at}\n native: …${nativeText.slice(Math.max(0, at - 80), at + 120)}\n wasm:   …${wasmText.slice(Math.max(0, at - 80), at + 120)}`);
      return;
    }
    const problems = validators[method](wasmDoc);
    if (problems.length) {
      failures++;
      console.error(`FAIL ${label}: does not follow ${method}_report.schema.json:\n  ${problems.slice(0, 10).join('\n  ')}`);
      return;
    }
  } else if (!wasmDoc.error) {
    failures++;
    console.error(`FAIL ${label}: native failed (${native.stderr.trim()}) but wasm produced a report`);
    return;
  } else if (!native.stderr.includes(wasmDoc.error.message)) {
    failures++;
    console.error(`FAIL ${label}: different errors: native '${native.stderr.trim()}', wasm '${wasmDoc.error.message}'`);
    return;
  }
  checked++;
  console.log(`ok   ${label} (${bytes.length} bytes, ${native.status === 0 ? 'identical JSON' : 'same error: ' + wasmDoc.error.code})`);
}

const fixtures = fs.readdirSync(dataDir).filter((f) => /^(funnel|attribution|profile)_.*\.csv$/.test(f)).sort();
assert.ok(fixtures.length > 0, `no funnel/attribution/profile fixtures in ${dataDir}`);
for (const name of fixtures) {
  for (const c of casesFor(name)) compare(`${name} ${c.method} ${c.args.join(' ')}`, path.join(dataDir, name), c);
}

// The HTML page comes from core too: the same bytes natively (--html) and in wasm.
{
  const file = path.join(dataDir, 'profile_mixed.csv');
  const out = path.join(path.dirname(glint), 'table_parity_profile.html');
  const native = spawnSync(glint, ['profile', '--html', out, '--json', file], { encoding: 'utf8' });
  const wasmText = core.callRaw('profile', JSON.stringify({ name: file, html: true }), fs.readFileSync(file));
  const wasmDoc = JSON.parse(wasmText);
  if (native.status !== 0 || fs.readFileSync(out, 'utf8') !== wasmDoc.html || native.stdout.replace(/\n$/, '') !== wasmText) {
    failures++;
    console.error('FAIL profile --html: the page differs between native and wasm');
  } else {
    checked++;
    console.log(`ok   profile --html (${wasmDoc.html.length} bytes of HTML, identical)`);
  }
  fs.rmSync(out, { force: true });
}

// Generated inputs large enough for the sketches (profile past 100,000 values)
// and for many users (funnel), written next to the binary's build folder.
{
  const work = fs.mkdtempSync(path.join(path.dirname(glint), 'table_parity_'));
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const profileRows = ['order_id,day,channel,amount,discount,clicks,note'];
  for (let i = 0; i < 130000; i++) {
    const day = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`;
    profileRows.push(`o${i},${day},${['google', 'meta', 'email', 'tiktok'][i % 4]},${(rand() * 900 + 1).toFixed(2)},${(rand() * 30).toFixed(1)}%,${Math.floor(rand() * 50)},${i % 7 === 0 ? '' : 'n' + (i % 5000)}`);
  }
  const profileFile = path.join(work, 'profile_generated.csv');
  fs.writeFileSync(profileFile, profileRows.join('\n') + '\n');
  compare('generated profile (130,000 rows)', profileFile, { method: 'profile', args: [], request: {} });

  const events = ['user_id,event_name,timestamp,utm_source'];
  const names = ['Visit', 'View Product', 'Add to Cart', 'Checkout', 'Purchase', 'Scroll'];
  for (let u = 0; u < 20000; u++) {
    let t = Date.UTC(2026, 2, 1) / 1000 + Math.floor(rand() * 86400 * 20);
    const n = 1 + Math.floor(rand() * 8);
    for (let k = 0; k < n; k++) {
      t += Math.floor(rand() * 86400 * 2);
      const name = rand() < 0.8 ? names[Math.min(k, 4)] : names[Math.floor(rand() * 6)];
      events.push(`u${u},${name},${new Date(t * 1000).toISOString().replace('.000Z', 'Z')},${['google', 'meta', 'email'][u % 3]}`);
    }
  }
  const eventsFile = path.join(work, 'funnel_generated.csv');
  fs.writeFileSync(eventsFile, events.join('\n') + '\n');
  for (const order of ['ordered', 'strict', 'any']) {
    compare(`generated funnel ${order}`, eventsFile, { method: 'funnel', args: ['--steps', STEPS, '--order', order, '--breakdown', 'utm_source'], request: { steps: STEPS, order, breakdown: 'utm_source' } });
  }
  const touches = ['client_id,time,medium,is_conversion,value'];
  for (let u = 0; u < 20000; u++) {
    let t = Date.UTC(2026, 2, 1) / 1000 + Math.floor(rand() * 86400 * 20);
    const n = 1 + Math.floor(rand() * 5);
    for (let k = 0; k < n; k++) {
      t += Math.floor(rand() * 86400 * 3);
      const conv = k === n - 1 && rand() < 0.3;
      touches.push(`c${u},${t},${['cpc', 'social', 'email', 'organic', 'referral', 'display'][Math.floor(rand() * 6)]},${conv ? 1 : 0},${conv ? (rand() * 200).toFixed(2) : ''}`);
    }
  }
  const touchFile = path.join(work, 'attribution_generated.csv');
  fs.writeFileSync(touchFile, touches.join('\n') + '\n');
  compare('generated attribution', touchFile, { method: 'attribution', args: ['--model', 'all'], request: { model: 'all' } });
  fs.rmSync(work, { recursive: true, force: true });
}

console.log(`${checked} table analyses identical between native and wasm`);
if (failures > 0) process.exit(1);
