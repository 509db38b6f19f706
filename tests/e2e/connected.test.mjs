// e2e: connected mode of the page served by `glint serve` against the fake
// upstreams, in real Chromium. An account (created through the API with the
// mailed code, as tests/server do) signs in on the page, makes a workspace,
// connects Google through the OAuth pop-up, links Shop A, syncs, and must see
// KPI tiles equal to the fake's own truth for the window the server reports;
// a written insight streams in (chunks, verified, the facts in "How was this
// calculated"), and the copilot answers. Offline use before sign-in with a
// dropped file sends nothing to the server; "Add to workspace" is the only
// thing that uploads it.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import * as fmt from '../../web/src/format.js';
import { spawn } from 'node:child_process';
import { argValue } from '../support/golden.mjs';
import { launchChromium, startServer } from '../support/browser.mjs';
import { googleAdsExcelExport } from './fixtures.mjs';
import { openPage, upload, networkRequests } from './helpers.mjs';

const webDir = argValue('--web-dir');
const glint = argValue('--glint');
const fakes = argValue('--fakes');
const artifacts = argValue('--artifacts');
const work = path.join(argValue('--work'), 'connected'); // its own folder: it is emptied first, and other suites share --work
fs.mkdirSync(artifacts, { recursive: true });
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
assert.ok(fs.existsSync(path.join(webDir, 'index.html')), `${webDir}/index.html is missing`);
const dataDir = path.join(work, 'data');
const googleFile = path.join(work, 'google_ads_campaigns_excel.csv');
fs.writeFileSync(googleFile, googleAdsExcelExport());
const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery';
const SHOP_A = '1234567890';

function startFakes() {
  return new Promise((resolve, reject) => {
    const child = spawn(fakes, [], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s/]+)/);
      if (m) resolve({ url: m[1], stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
    });
    child.on('exit', (code) => reject(new Error(`fake_upstreams exited with ${code}: ${out}`)));
  });
}

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `e2e-connected-${name}.png`), fullPage: true });

async function json(url, init = {}) {
  const r = await fetch(url, init);
  const body = await r.json();
  return { status: r.status, body };
}

let fake = null;
let server = null;
let browser = null;
try {
  fake = await startFakes();
  for (const h of ['ACCOUNTS_GOOGLE_COM', 'OAUTH2_GOOGLEAPIS_COM', 'OPENIDCONNECT_GOOGLEAPIS_COM', 'GOOGLEADS_GOOGLEAPIS_COM',
    'ANALYTICSADMIN_GOOGLEAPIS_COM', 'ANALYTICSDATA_GOOGLEAPIS_COM', 'API_ANTHROPIC_COM']) process.env[`GLINT_URL_${h}`] = fake.url;
  Object.assign(process.env, {
    GLINT_GOOGLE_CLIENT_ID: 'fake-google-client.apps.googleusercontent.com', GLINT_GOOGLE_CLIENT_SECRET: 'fake-google-secret',
    GLINT_ANTHROPIC_API_KEY: 'sk-ant-fake-e2e', GLINT_LLM_PROVIDERS: 'anthropic', GLINT_OPENAI_API_KEY: '',
  });
  server = await startServer(glint, ['--data-dir', dataDir, '--web-root', webDir]);
  const base = server.url.replace(/\/$/, '');

  // The account, confirmed with the code the server mailed to its outbox.
  const reg = await json(`${base}/api/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD, name: 'Ada' }) });
  assert.equal(reg.status, 202, JSON.stringify(reg.body));
  const outbox = path.join(dataDir, 'outbox');
  const mail = fs.readdirSync(outbox).map((f) => fs.readFileSync(path.join(outbox, f), 'utf8')).find((t) => t.includes(`To: ${EMAIL}`));
  const code = mail.match(/code is ([0-9]{6})/)[1];
  const ver = await json(`${base}/api/auth/verify-email`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: EMAIL, code }) });
  assert.equal(ver.status, 200, JSON.stringify(ver.body));

  browser = await launchChromium();

  // Offline first: a dropped file, no sign-in — nothing goes to the server.
  {
    const { context, page, problems, requests, loadedAt } = await openPage(browser, `${base}/`);
    await page.waitForSelector('#signin-open:not([hidden])');
    await upload(page, [googleFile]);
    await page.waitForSelector('#kpis .kpi');
    await page.click('#signin-open');
    const sent = networkRequests(requests, { origin: new URL(base).origin, since: loadedAt });
    assert.deepEqual(sent.map((r) => r.url), [], 'offline use with a dropped file sent requests');
    assert.deepEqual(problems, []);
    await context.close();
  }
  // From file:// connected mode is absent.
  {
    const { context, page } = await openPage(browser, `file://${path.resolve(webDir, 'index.html')}`);
    assert.equal(await page.isHidden('#signin-open'), true, 'the Sign in button shows from file://');
    await context.close();
  }

  const { context, page, problems, requests } = await openPage(browser, `${base}/`);
  await page.click('#signin-open');
  await page.fill('#cx-email', EMAIL);
  await page.fill('#cx-password', PASSWORD);
  await page.click('#cx-signin-submit');
  await page.waitForSelector('#cx-tenant-name');
  await page.fill('#cx-tenant-name', 'Ada Shop');
  await page.click('#cx-new-tenant');
  await page.waitForSelector('#cx-connect-google');
  assert.equal(await page.$eval('#cx-conn-google', (e) => e.dataset.state), 'disconnected');
  await shot(page, 'workspace');

  // Google through the pop-up; the callback page closes it.
  const popupSeen = page.waitForEvent('popup');
  await page.click('#cx-connect-google');
  const popup = await popupSeen;
  assert.ok(popup.url().startsWith(fake.url) || popup.url().includes('/api/oauth/google/'), `the pop-up opened ${popup.url()}`);
  await page.waitForSelector('#cx-conn-google[data-state="connected"]', { timeout: 30000 });
  await popup.waitForEvent('close', { timeout: 30000 }).catch(() => {});
  assert.equal(popup.isClosed(), true, 'the pop-up stayed open');

  // Link Shop A only, then sync.
  await page.waitForSelector(`#cx-link-form input[value="${SHOP_A}"]`);
  for (const box of await page.$$('#cx-link-form input[name=account]')) {
    if ((await box.getAttribute('value')) === SHOP_A) await box.check(); else await box.uncheck();
  }
  await page.click('#cx-link');
  await page.waitForSelector('#cx-sync-run:not([disabled])');
  const uploadsBefore = requests.filter((r) => r.url.includes('/api/datasets')).length;
  await page.click('#cx-sync-run');
  await page.waitForSelector('#cx-sync-state[data-status="done"]', { timeout: 120000 });
  await page.waitForSelector(`#cx-freshness li[data-account="${SHOP_A}"]`);
  await page.waitForSelector(`#cx-kpis .kpi[data-account="${SHOP_A}"]`);
  await shot(page, 'synced');

  // The tiles against the fake's truth for the window the server reports.
  const tiles = await page.$$eval('#cx-kpis .kpi', (els) => els.map((e) => ({ ...e.dataset })));
  const { start, end } = tiles[0];
  const truth = (await json(`${fake.url}/_fake/google/truth?customer=${SHOP_A}&level=campaign&start=${start}&end=${end}`)).body.totals;
  const byMetric = Object.fromEntries(tiles.map((t) => [t.metric, Number(t.value)]));
  assert.ok(truth.clicks > 0, 'the fake has clicks in the window');
  assert.equal(byMetric.clicks, truth.clicks, 'clicks tile');
  assert.equal(byMetric.impressions, truth.impressions, 'impressions tile');
  assert.equal(Math.round(byMetric.spend * 1e6), truth.cost_micros, 'spend tile');
  assert.equal(Math.round(byMetric.conversion_value * 100), Math.round(truth.conversions_value * 100), 'conversion value tile');
  assert.equal(Math.round(byMetric.conversions * 100), Math.round(truth.conversions * 100), 'conversions tile');
  // The test's own arithmetic: ROAS = value / spend.
  assert.ok(Math.abs(byMetric.roas - truth.conversions_value / (truth.cost_micros / 1e6)) < 1e-9, 'ROAS tile');

  // The engine's highlights beside the insights: the spend fact against the fake's truth over its window.
  await page.waitForSelector('#cx-bronze li[data-fact]', { timeout: 30000 });
  const bronze = await page.$$eval('#cx-bronze li[data-fact]', (els) => els.map((e) => ({ ...e.dataset })));
  const bronzeSpend = bronze.find((f) => f.fact.startsWith('summary.spend'));
  assert.ok(bronzeSpend, `no spend highlight among ${bronze.map((f) => f.fact)}`);
  const windowTruth = (await json(`${fake.url}/_fake/google/truth?customer=${SHOP_A}&level=campaign&start=${bronzeSpend.start}&end=${bronzeSpend.end}`)).body.totals;
  assert.equal(Math.round(Number(bronzeSpend.raw) * 1e6), windowTruth.cost_micros, 'the spend highlight');

  // A written insight streams in with how it was calculated.
  await page.click('#cx-insight-run');
  await page.waitForSelector('#cx-insight-text[data-state="done"]', { timeout: 60000 });
  const insight = await page.$eval('#cx-insight-text', (e) => ({ ...e.dataset, text: e.textContent }));
  assert.ok(Number(insight.chunks) >= 1, 'no chunk arrived');
  assert.ok(insight.text.length > 0, 'the insight is empty');
  assert.equal(insight.verified, 'true', 'the insight is not verified');
  await page.click('#cx-how summary');
  const facts = await page.$$eval('#cx-how-facts li', (els) => els.map((e) => ({ id: e.dataset.fact, raw: Number(e.dataset.raw) })));
  assert.ok(facts.length > 0, 'the "How was this calculated" panel lists no fact');
  const spendFact = facts.find((f) => f.id.startsWith('summary.spend'));
  if (spendFact) assert.equal(Math.round(spendFact.raw * 1e6), truth.cost_micros, 'the spend fact');
  assert.match(await page.textContent('#cx-how-meta'), /Verified: yes · anthropic/);
  await shot(page, 'insight');

  // The copilot answers.
  await page.fill('#cx-question', 'What is my CPC this week?');
  await page.click('#cx-chat-form button[type=submit]');
  await page.waitForSelector('#cx-answer-text');
  assert.ok((await page.textContent('#cx-answer-text')).trim().length > 0, 'the copilot gave no answer');
  await shot(page, 'copilot');

  // The page's own views over the workspace's data (the server's core, the
  // same JSON as the wasm core): the main tiles for the last 30 days equal the
  // fake's truth for that window and the campaign table lists the synced
  // campaigns (synced rows reach core at campaign level: no drill below it).
  await page.click('#cx-show-dashboard');
  await page.waitForFunction(() => document.body.classList.contains('workspace-view') && document.body.dataset.busy === 'false' && document.querySelector('#kpis .kpi'), null, { timeout: 60000 });
  const main = Object.fromEntries(await page.$$eval('#kpis .kpi', (els) => els.map((e) => [e.dataset.metric, Number(e.dataset.value)])));
  assert.equal(main.clicks, truth.clicks, 'dashboard clicks tile = the fake\'s truth');
  assert.equal(Math.round(main.spend * 1e6), truth.cost_micros, 'dashboard spend tile = the fake\'s truth');
  assert.ok((await page.textContent('#period-label')).includes(fmt.dateRange(start, end)), 'the dashboard reads the same 30 days');
  const campaignsShown = await page.$$eval('#campaigns tbody tr', (trs) => trs.length);
  assert.ok(campaignsShown > 0, 'the campaign table lists the synced campaigns');
  await shot(page, 'dashboard');
  await page.click('#cx-show-files');
  await page.waitForFunction(() => !document.body.classList.contains('workspace-view') && document.body.dataset.busy === 'false', null, { timeout: 30000 });

  // Nothing was uploaded by signing in or syncing; the button uploads.
  assert.equal(requests.filter((r) => r.url.includes('/api/datasets')).length, uploadsBefore);
  assert.equal(uploadsBefore, 0, 'a file was uploaded without the button');
  await upload(page, [googleFile]);
  assert.equal(requests.filter((r) => r.url.includes('/api/datasets')).length, 0, 'dropping a file uploaded it');
  const posted = page.waitForResponse((r) => r.url().includes('/api/datasets') && r.request().method() === 'POST');
  await page.click('#cx-add-files');
  const resp = await posted;
  assert.ok(resp.ok(), `the upload answered ${resp.status()}`);
  assert.deepEqual(problems, []);
  await context.close();
  console.log('connected mode: ok');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (fake) await fake.stop();
}
