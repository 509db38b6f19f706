// e2e: a marketer's session on the page served by `glint serve`. A Google Ads
// "CSV for Excel" export (UTF-16LE, tabs, title lines, Total rows) and a Meta
// Ads export are dropped together; the KPI tiles, one highlight of each type,
// the campaign rows, the action plan and the budget reallocation must show
// the numbers the native binary computes for the same files (`glint analyze
// --json`, `glint highlight --json`). Also: the period switch, sorting and
// filtering, the exports, keyboard use of the highlight tabs, what glint
// understood, an event file (funnel and profile when core has them), a
// binary and an empty file, no request leaving the page after load, axe-core,
// and screenshots at 1280×800 and at 390 px wide.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { argValue } from '../support/golden.mjs';
import { launchChromium, startServer } from '../support/browser.mjs';
import * as fmt from '../../web/src/format.js';
import { googleAdsExcelExport, metaAdsExport, funnelEvents, journeys } from './fixtures.mjs';
import { glintJson, openPage, upload, settle, networkRequests, axeViolations } from './helpers.mjs';

const webDir = argValue('--web-dir');
const glint = argValue('--glint');
const artifacts = argValue('--artifacts');
const work = argValue('--work');
fs.mkdirSync(artifacts, { recursive: true });
fs.mkdirSync(work, { recursive: true });
assert.ok(fs.existsSync(path.join(webDir, 'index.html')), `${webDir}/index.html is missing: build the wasm preset first`);

const googleFile = path.join(work, 'google_ads_campaigns_excel.csv');
const metaFile = path.join(work, 'meta_ads_export.csv');
const eventsFile = path.join(work, 'site_events.csv');
const journeysFile = path.join(work, 'touchpoints.csv');
const binaryFile = path.join(work, 'report.xlsx.csv');
const emptyFile = path.join(work, 'empty_export.csv');
fs.writeFileSync(googleFile, googleAdsExcelExport());
fs.writeFileSync(metaFile, metaAdsExport());
fs.writeFileSync(eventsFile, funnelEvents());
fs.writeFileSync(journeysFile, journeys());
fs.writeFileSync(binaryFile, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0, 0, 0, 0, 0x21, 0, 0xff, 0xfe, 0, 1, 2, 3]));
fs.writeFileSync(emptyFile, '');

// Core's answers for the same files, from the native binary.
const both = [googleFile, metaFile];
const expected = glintJson(glint, ['analyze', '--json', '--full', '--days', '30', ...both]);
const expected7 = glintJson(glint, ['analyze', '--json', '--days', '7', ...both]);
// The campaign table reads the chosen period (30 days): core's breakdown by campaign for it.
const breakdown = glintJson(glint, ['call', 'report.breakdown', '--request', JSON.stringify({ level: 'campaign', days: 30, limit: 5000 }), ...both]);
const campaignRows = breakdown.rows.map((r) => ({ ...r.current, campaign: r.key.campaign, campaign_id: r.key.campaign_id, platform: r.platform, currency: r.currency, change: r.change }));
assert.ok(campaignRows.length > 1, 'the fixtures give campaigns in the last 30 days');
const facts = Object.fromEntries(['summary', 'grow', 'optimize', 'protect'].map((t) =>
  [t, glintJson(glint, ['highlight', '--json', '--type', t, '--days', '30', ...both])]));
for (const t of Object.keys(facts)) assert.ok(facts[t].facts.length > 0, `the fixtures give no ${t} fact: fix fixtures.mjs`);
const currency = expected.currencies.length === 1 ? expected.currencies[0] : null;

const shot = (page, name, opts = {}) => page.screenshot({ path: path.join(artifacts, `e2e-${name}.png`), ...opts });
const section = (page, id, name) => page.locator(`#${id}`).screenshot({ path: path.join(artifacts, `e2e-${name}.png`) });

async function checkKpis(page, report, label) {
  const tiles = await page.$$eval('#kpis .kpi', (els) => els.map((e) => ({
    metric: e.dataset.metric, value: e.dataset.value, change: e.dataset.change,
    text: e.querySelector('.kpi-value').textContent, delta: e.querySelector('.delta')?.textContent ?? null,
  })));
  assert.ok(tiles.length >= 6, `${label}: ${tiles.length} KPI tiles`);
  for (const k of ['spend', 'conversion_value', 'roas', 'conversions', 'cpa']) assert.ok(tiles.some((t) => t.metric === k), `${label}: no ${k} tile`);
  const p = report.periods;
  for (const t of tiles) {
    const m = fmt.METRICS[t.metric];
    const delta = m.points ? p.change_points[t.metric] : p.change[t.metric];
    assert.equal(Number(t.value), p.current[t.metric], `${label}: ${t.metric} value`);
    assert.equal(Number(t.change), delta, `${label}: ${t.metric} change`);
    assert.equal(t.text, fmt.metric(t.metric, p.current[t.metric], currency), `${label}: ${t.metric} as shown`);
    assert.equal(t.delta, fmt.metricChange(t.metric, p.change[t.metric], p.change_points[t.metric]), `${label}: ${t.metric} change as shown`);
  }
  return tiles.length;
}

async function checkHighlights(page) {
  for (const type of ['summary', 'grow', 'optimize', 'protect']) {
    await page.click(`#tab-${type}`);
    const cards = await page.$$eval('#highlight-panel .card', (els) => els.map((e) => ({
      id: e.dataset.fact, type: e.dataset.type, severity: e.dataset.severity,
      sentence: e.querySelector('.sentence').textContent, entity: e.querySelector('.entity-name').textContent,
    })));
    const want = facts[type].facts;
    assert.equal(cards.length, want.length, `${type}: number of cards`);
    assert.deepEqual(cards[0], {
      id: want[0].id, type, severity: want[0].severity, sentence: want[0].sentence,
      entity: want[0].entity.level === 'account' ? `Account (${want[0].currency})` : want[0].entity.name,
    }, `${type}: first card`);
    assert.deepEqual(cards.map((c) => c.sentence), want.map((f) => f.sentence), `${type}: every sentence as core wrote it`);
  }
}

async function checkCampaigns(page) {
  const rows = await page.$$eval('#campaigns tbody tr', (trs) => trs.map((tr) => ({
    name: tr.querySelector('.name-text').textContent,
    perf: tr.querySelector('.perf')?.textContent ?? null,
    cells: Object.fromEntries([...tr.querySelectorAll('td[data-key]')].map((td) => [td.dataset.key, { value: td.dataset.value ?? null, text: td.textContent }])),
  })));
  assert.equal(rows.length, campaignRows.length, 'campaign rows');
  const perf = expected.analysis.by_currency[0].performers;
  for (const c of campaignRows) {
    const row = rows.find((r) => r.name === c.campaign);
    assert.ok(row, `campaign ${c.campaign} is listed`);
    for (const k of fmt.AD_METRICS) {
      if (!row.cells[k]) continue;
      assert.equal(row.cells[k].value === null ? null : Number(row.cells[k].value), c[k], `${c.campaign}: ${k}`);
      assert.equal(row.cells[k].text, fmt.metric(k, c[k], c.currency), `${c.campaign}: ${k} as shown`);
    }
    if (c.change && c.change.spend !== null) {
      assert.equal(Number(row.cells['change:spend'].value), c.change.spend, `${c.campaign}: spend change`);
      assert.equal(row.cells['change:spend'].text.replace(/^[▲▼] /, ''), fmt.changeFraction(c.change.spend), `${c.campaign}: spend change as shown`);
    }
    const mark = perf.top.some((x) => x.campaign === c.campaign) ? 'Top performer' : perf.bottom.some((x) => x.campaign === c.campaign) ? 'Bottom performer' : null;
    assert.equal(row.perf, mark, `${c.campaign}: performer mark`);
  }
  for (const k of ['spend', 'conversion_value', 'roas', 'conversions', 'cpa', 'clicks', 'ctr', 'cpc', 'impressions']) {
    assert.ok(rows[0].cells[k], `the campaign table has a ${k} column`);
  }
  return rows.length;
}

const browser = await launchChromium();
const dataTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glint-e2e-dash-'));
const server = await startServer(glint, ['--web-root', webDir, '--data-dir', dataTmp]);
const origin = new URL(server.url).origin;
try {
  // ---------------------------------------------------------------- desktop
  const { context, page, problems, requests, loadedAt } = await openPage(browser, server.url);
  const methods = (await page.evaluate(() => document.documentElement.dataset.methods ?? '')).split(' ').filter(Boolean);
  await shot(page, 'start-1280');

  await upload(page, both);
  const status = await page.textContent('#status');
  assert.match(status, /google_ads_campaigns_excel\.csv \(Google Ads, 280 rows\)/, 'status names the Google file');
  assert.match(status, /meta_ads_export\.csv \(Meta Ads, 210 rows\)/, 'status names the Meta file');
  const tileCount = await checkKpis(page, expected, '30 days');
  await checkHighlights(page);
  await page.click('#tab-summary');
  const campaignRowsShown = await checkCampaigns(page);

  // Per-platform split: core's by_platform rows.
  const platforms = await page.$$eval('#platforms tbody tr', (trs) => trs.map((tr) => ({ platform: tr.dataset.platform, spend: Number(tr.querySelector('td[data-key=spend]').dataset.value) })));
  assert.deepEqual(platforms, expected.by_platform.map((p) => ({ platform: p.platform, spend: p.spend })), 'per-platform split');

  // The action plan and the budget reallocation, as core worded and computed them.
  const plan = expected.analysis.action_plan.plan;
  for (const hz of ['immediate', 'this_week', 'this_month']) {
    const got = await page.$$eval(`.plan-column[data-horizon=${hz}] li.action`, (lis) => lis.map((li) => ({ action: li.dataset.action, justification: li.querySelector('.justification').textContent })));
    assert.deepEqual(got, plan[hz].map((a) => ({ action: a.action, justification: a.justification })), `action plan: ${hz}`);
  }
  const realloc = await page.$$eval('.realloc-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td[data-value]')].map((td) => Number(td.dataset.value))));
  assert.deepEqual(realloc, expected.analysis.by_currency[0].budget_reallocation.campaigns.map((c) => [c.current_spend, c.proposed_spend, c.change, c.change_fraction]), 'budget reallocation');

  // The trend chart is drawn by uPlot, the current period named.
  assert.equal(await page.locator('#chart canvas').count(), 1, 'one chart canvas');
  assert.match(await page.textContent('#trend-note'), /last 30 days/);

  // What glint understood about the UTF-16 export.
  const gIn = expected.inputs[0];
  await page.click(`details.input[data-name="${path.basename(googleFile)}"] > summary`);
  const understood = await page.textContent(`details.input[data-name="${path.basename(googleFile)}"]`);
  for (const want of ['UTF-16 LE', 'with byte-order mark', 'tab', `line ${gIn.header_row}`, ...gIn.excluded_rows.map((x) => `line ${x.row}`), 'Total: Account', 'USD']) {
    assert.ok(understood.includes(want), `what glint understood mentions ${want}`);
  }
  // The export's own totals, each checked against glint's sums, as native says.
  assert.ok(gIn.checks.length > 0, 'the Google export has totals rows to check');
  const checks = await page.$$eval(`details.input[data-name="${path.basename(googleFile)}"] .checks li`, (lis) => lis.map((li) => li.textContent));
  assert.equal(checks.length, gIn.checks.length, 'one line per checked totals row');
  gIn.checks.forEach((c, k) => {
    for (const want of [`line ${c.row}`, c.label, c.matches ? 'matches' : 'differs']) {
      assert.ok(checks[k].includes(want), `check ${k} mentions ${want}: ${checks[k]}`);
    }
  });

  // Screenshots of the main views at 1280×800.
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'overview-1280');
  await section(page, 'highlights', 'highlights-summary-1280');
  await page.click('#tab-optimize');
  await section(page, 'highlights', 'highlights-optimize-1280');
  await page.click('#tab-summary');
  await section(page, 'trend', 'trend-1280');
  await section(page, 'plan', 'action-plan-1280');
  await section(page, 'campaigns-section', 'campaigns-1280');
  await section(page, 'inputs', 'understood-1280');
  await shot(page, 'full-1280', { fullPage: true });

  // Keyboard: the highlight tabs follow the arrow keys.
  await page.focus('#tab-summary');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-grow', 'ArrowRight moves to Grow');
  assert.equal(await page.getAttribute('#tab-grow', 'aria-selected'), 'true');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-protect', 'End moves to Protect');

  // Sorting and filtering the campaign table.
  await page.click('#campaigns thead th[data-key=cpa] button');
  const cpaDesc = await page.$$eval('#campaigns tbody td[data-key=cpa]', (tds) => tds.map((td) => (td.dataset.value === undefined ? null : Number(td.dataset.value))));
  const known = cpaDesc.filter((v) => v !== null);
  assert.deepEqual(known, [...known].sort((a, b) => b - a), 'sorted by CPA, highest first');
  assert.equal(cpaDesc.at(-1), null, 'a campaign without CPA sorts last');
  assert.equal(await page.getAttribute('#campaigns thead th[data-key=cpa]', 'aria-sort'), 'descending');
  await page.fill('#campaign-filter', 'brand');
  assert.deepEqual(await page.$$eval('#campaigns tbody .name-text', (els) => els.map((e) => e.textContent)), ['Brand Search'], 'filter by name');
  await page.fill('#campaign-filter', '');
  await page.selectOption('#campaign-platform', 'meta_ads');
  assert.equal(await page.locator('#campaigns tbody tr').count(), campaignRows.filter((c) => c.platform === 'meta_ads').length, 'filter by platform');
  await page.selectOption('#campaign-platform', '');

  // Exports: the report as JSON, the campaign table as CSV.
  const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const exported = JSON.parse(fs.readFileSync(await jsonDl.path(), 'utf8'));
  assert.deepEqual(exported.report.periods, expected.periods, 'exported JSON: periods');
  assert.deepEqual(exported.report.by_campaign, expected.by_campaign, 'exported JSON: campaigns');
  assert.deepEqual(exported.highlights.grow.facts.map((f) => f.sentence), facts.grow.facts.map((f) => f.sentence), 'exported JSON: highlights');
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.click('#campaigns-section [data-csv=campaigns]')]);
  const csvLines = fs.readFileSync(await csvDl.path(), 'utf8').trim().split(/\r\n/);
  assert.equal(csvLines.length, campaignRows.length + 1, 'CSV: header and one line per campaign');
  assert.ok(csvLines[0].startsWith('campaign,campaign_id,account_id,platform,currency,spend,'), `CSV header: ${csvLines[0]}`);
  assert.ok(csvLines.some((l) => l.startsWith(`Brand Search,20481001,,google_ads,USD,${campaignRows.find((c) => c.campaign === 'Brand Search').spend},`)), 'CSV: raw numbers');
  console.log(`ok   exports: JSON (${fmt.bytes(fs.statSync(await jsonDl.path()).size)}) and campaigns CSV (${csvLines.length - 1} rows)`);

  // The period switch: 7 days against the 7 before, as core computes it.
  await page.click('label[for=days-7]');
  await settle(page);
  await checkKpis(page, expected7, '7 days');
  const facts7 = glintJson(glint, ['highlight', '--json', '--type', 'summary', '--days', '7', ...both]);
  await page.click('#tab-summary');
  assert.deepEqual(await page.$$eval('#highlight-panel .sentence', (els) => els.map((e) => e.textContent)), facts7.facts.map((f) => f.sentence), '7 days: summary facts');
  await page.click('label[for=days-30]');
  await settle(page);

  // Accessibility: axe-core on the full page, details open.
  await page.$$eval('details', (ds) => ds.forEach((d) => { d.open = true; }));
  const violations = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(violations, [], 'axe: serious or critical violations at 1280');
  console.log('ok   axe-core: no serious or critical violations (1280 px)');

  // A binary file and an empty file: a clear message, nothing else breaks.
  await upload(page, [binaryFile]);
  assert.match(await page.textContent('#status'), /not a text \(CSV\) file/, 'binary file: message');
  assert.ok(await page.evaluate(() => document.getElementById('status').classList.contains('error')), 'binary file: shown as an error');
  await upload(page, [emptyFile]);
  assert.match(await page.textContent('#status'), /empty/, 'empty file: message');
  assert.match(await page.textContent('#files'), /the file is empty/, 'empty file: its card says so');
  assert.equal(await page.locator('#kpis .kpi').count(), tileCount, 'the analysis of the good files stays');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'bad-files-1280');
  console.log(`ok   binary and empty files: "${(await page.textContent('#status')).slice(0, 90)}…"`);

  // No request left the page after it loaded (and none went elsewhere before).
  assert.deepEqual(networkRequests(requests, { origin, since: loadedAt }), [], 'requests after load');
  assert.deepEqual(problems, [], 'console errors');
  await context.close();
  console.log(`ok   desktop: ${tileCount} KPI tiles, 4 highlight types, ${campaignRowsShown} campaigns, plan and reallocation match native`);

  // ---------------------------------------------------------------- phone width
  const phone = await openPage(browser, server.url, { width: 390, height: 844 });
  await upload(phone.page, both);
  await checkKpis(phone.page, expected, 'phone');
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 390, `the page fits 390 px (scroll width ${overflow})`);
  await shot(phone.page, 'overview-390');
  await phone.page.click('#tab-protect');
  await section(phone.page, 'highlights', 'highlights-protect-390');
  await shot(phone.page, 'full-390', { fullPage: true });
  const phoneViolations = (await axeViolations(phone.page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(phoneViolations, [], 'axe: serious or critical violations at 390');
  assert.deepEqual(networkRequests(phone.requests, { origin, since: phone.loadedAt }), [], 'phone: requests after load');
  assert.deepEqual(phone.problems, [], 'phone: console errors');
  await phone.context.close();
  console.log('ok   phone width: fits 390 px, KPIs match, axe clean');

  // ---------------------------------------------------------------- funnel, attribution, profile
  const t = await openPage(browser, server.url);
  // The event file arrives by drag and drop (a File in a DataTransfer, as a
  // browser builds it for a drop from the desktop), the touchpoints by the picker.
  const dropped = await t.page.evaluate(async (text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'site_events.csv', { type: 'text/csv' }));
    document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    const overlay = !document.getElementById('drop-overlay').hidden;
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    return { overlay, after: !document.getElementById('drop-overlay').hidden };
  }, fs.readFileSync(eventsFile, 'utf8'));
  assert.deepEqual(dropped, { overlay: true, after: false }, 'drag and drop: the overlay shows while dragging');
  await t.page.waitForSelector('#files li[data-key]');
  await settle(t.page);
  await upload(t.page, [journeysFile]);
  assert.match(await t.page.textContent('#files'), /site_events\.csv/, 'the dropped file is listed');
  const visible = async (id) => t.page.evaluate((x) => !document.getElementById(x).hidden, id);
  for (const m of ['funnel', 'attribution', 'profile']) {
    if (!methods.includes(m)) assert.equal(await visible(m), false, `${m}: hidden while core lacks the method`);
  }
  if (methods.includes('funnel')) {
    assert.equal(await visible('funnel'), true, 'funnel: shown for event rows');
    const steps = await t.page.$$eval('#funnel .funnel-step', (lis) => lis.map((li) => [li.dataset.step, Number(li.dataset.value)]));
    assert.equal(steps[0][0], 'Visit', 'funnel: first step');
    assert.ok(steps.length >= 4, 'funnel: steps');
    await t.page.fill('#funnel .steps-form input', 'Visit, Add to Cart, Purchase');
    await t.page.click('#funnel .steps-form button');
    await settle(t.page);
    assert.deepEqual(await t.page.$$eval('#funnel .funnel-step', (lis) => lis.map((li) => li.dataset.step)), ['Visit', 'Add to Cart', 'Purchase'], 'funnel: steps a person chose');
    await section(t.page, 'funnel', 'funnel-1280');
  }
  if (methods.includes('attribution')) {
    assert.equal(await visible('attribution'), true, 'attribution: shown for touchpoints');
    assert.ok(await t.page.locator('#attribution .attribution-table tbody tr').count() >= 4, 'attribution: one row per channel');
    await section(t.page, 'attribution', 'attribution-1280');
  }
  if (methods.includes('profile')) {
    assert.equal(await visible('profile'), true, 'profile: shown');
    await t.page.$$eval('#profile details', (ds) => ds.forEach((d) => { d.open = true; }));
    await section(t.page, 'profile', 'profile-1280');
  }
  const tableViolations = (await axeViolations(t.page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(tableViolations, [], 'axe: serious or critical violations with funnel, attribution, profile');
  assert.deepEqual(t.problems, [], 'funnel/attribution/profile: console errors');
  await t.context.close();
  console.log(`ok   table views: core has [${methods.join(', ') || 'none'}]; the views follow`);
} finally {
  await browser.close();
  await server.stop();
}
