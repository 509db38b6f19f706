// e2e: the analyst controls of the offline page (issue 17), from file:// in
// real Chromium. A Google Ads export with ad groups and keywords and a Meta
// export, 425 daily rows each (so a year-over-year comparison has data), are
// written here with deterministic values. Checked against independent
// sources only: a custom range compared with the same period last year
// (tiles and changes = `glint analyze --json --from --to --compare year`),
// a platform filter (tiles = `glint analyze --platform meta_ads`; no Google
// campaign in the table, the chart or the highlights), drill-down to an ad
// group and a keyword (spend = this test's own sum over the CSV rows), no
// network request, axe-core with the controls open.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { argValue } from '../support/golden.mjs';
import { launchChromium } from '../support/browser.mjs';
import * as fmt from '../../web/src/format.js';
import { glintJson, openPage, upload, settle, networkRequests, axeViolations } from './helpers.mjs';

const webDir = argValue('--web-dir');
const glint = argValue('--glint');
const artifacts = argValue('--artifacts');
const work = path.join(argValue('--work'), 'analyst');
fs.mkdirSync(artifacts, { recursive: true });
fs.mkdirSync(work, { recursive: true });
assert.ok(fs.existsSync(path.join(webDir, 'index.html')), `${webDir}/index.html is missing: build the page first`);

// ------------------------------------------------------------------ data

const FIRST = Date.UTC(2025, 0, 1);
const DAYS = 425; // 2025-01-01 … 2026-03-01
const iso = (i) => new Date(FIRST + i * 86400000).toISOString().slice(0, 10);
// A small deterministic generator (no Math.random): the same file every run.
function lcg(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

const GOOGLE = [
  { campaign: 'Brand Search', groups: { 'Brand – Exact': ['glint', 'glint app'], 'Brand – Phrase': ['glint analytics'] } },
  { campaign: 'Generic Search', groups: { 'Analytics Tools': ['marketing analytics', 'ad report tool'], 'Dashboards': ['kpi dashboard'] } },
];
const META = ['Prospecting – Lookalike', 'Retargeting – Cart'];

const googleRows = []; // {date, campaign, ad_group, keyword, spend (cents), …}
{
  const rnd = lcg(17);
  for (let d = 0; d < DAYS; d++) {
    for (const c of GOOGLE) {
      for (const [group, keywords] of Object.entries(c.groups)) {
        for (const keyword of keywords) {
          const impressions = 200 + Math.floor(rnd() * 800) + (d % 7) * 15;
          const clicks = 5 + Math.floor(rnd() * 40);
          const cents = 300 + Math.floor(rnd() * 4000) + d; // spend grows over time
          const conversions = Math.floor(rnd() * 5);
          const valueCents = conversions * (2000 + Math.floor(rnd() * 3000));
          googleRows.push({ date: iso(d), campaign: c.campaign, ad_group: group, keyword, impressions, clicks, cents, conversions, valueCents });
        }
      }
    }
  }
}
const money = (cents) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const googleFile = path.join(work, 'google_ads_keywords.csv');
fs.writeFileSync(googleFile, [
  'Day,Account ID,Account name,Campaign,Ad group,Keyword,Currency code,Impressions,Clicks,Cost,Conversions,Conv. value',
  ...googleRows.map((r) => [r.date, '123-456-7890', 'Glint Demo', r.campaign, r.ad_group, r.keyword, 'USD', r.impressions, r.clicks, money(r.cents), r.conversions, money(r.valueCents)].join(',')),
].join('\n') + '\n');

const metaFile = path.join(work, 'meta_ads_daily.csv');
{
  const rnd = lcg(29);
  const lines = ['Reporting starts,Reporting ends,Campaign name,Impressions,Amount spent (USD),Link clicks,Purchases,Purchases conversion value'];
  for (let d = 0; d < DAYS; d++) {
    for (const name of META) {
      const purchases = Math.floor(rnd() * 6);
      lines.push([iso(d), iso(d), name, 1000 + Math.floor(rnd() * 3000), money(500 + Math.floor(rnd() * 5000)), 10 + Math.floor(rnd() * 60), purchases, money(purchases * (1500 + Math.floor(rnd() * 4000)))].join(','));
    }
  }
  fs.writeFileSync(metaFile, lines.join('\n') + '\n');
}
const both = [googleFile, metaFile];

// The chosen window: a custom range with a year-earlier comparison inside the data.
const FROM = '2026-01-05';
const TO = '2026-02-08';
const expectedYear = glintJson(glint, ['analyze', '--json', '--from', FROM, '--to', TO, '--compare', 'year', ...both]);
const expectedMeta = glintJson(glint, ['analyze', '--json', '--from', FROM, '--to', TO, '--compare', 'year', '--platform', 'meta_ads', ...both]);
assert.equal(expectedYear.periods.current.start, FROM, 'native: the current window starts on FROM');
assert.equal(expectedYear.periods.previous.start, '2025-01-05', 'native: the year-earlier window');
// The highlights for the same slice, from the native binary.
const HL = ['summary', 'grow', 'optimize', 'protect'];
const hlArgs = ['--from', FROM, '--to', TO, '--compare', 'year'];
const factsAll = Object.fromEntries(HL.map((t) => [t, glintJson(glint, ['highlight', '--json', '--type', t, ...hlArgs, ...both]).facts]));
const factsMeta = Object.fromEntries(HL.map((t) => [t, glintJson(glint, ['highlight', '--json', '--type', t, ...hlArgs, '--platform', 'meta_ads', ...both]).facts]));
assert.ok(factsAll.summary.some((f) => f.sentence.includes('Google')), 'unfiltered, a summary fact names Google Ads (so the filtered check can fail)');
assert.notDeepEqual(expectedMeta.periods.current.spend, expectedYear.periods.current.spend, 'the filter must change the spend, or the test proves nothing');

// ------------------------------------------------------------------ checks

async function tiles(page) {
  return page.$$eval('#kpis .kpi', (els) => els.map((e) => ({
    metric: e.dataset.metric, value: e.dataset.value, change: e.dataset.change,
    text: e.querySelector('.kpi-value')?.textContent ?? null, delta: e.querySelector('.delta')?.textContent ?? null,
  })));
}

async function checkKpis(page, report, label) {
  const shown = await tiles(page);
  assert.ok(shown.length >= 6, `${label}: ${shown.length} KPI tiles`);
  const p = report.periods;
  const currency = report.currencies.length === 1 ? report.currencies[0] : null;
  for (const t of shown) {
    const m = fmt.METRICS[t.metric];
    const delta = m.points ? p.change_points[t.metric] : p.change[t.metric];
    assert.equal(Number(t.value), p.current[t.metric], `${label}: ${t.metric} value`);
    assert.equal(t.change === undefined || t.change === '' ? null : Number(t.change), delta ?? null, `${label}: ${t.metric} change`);
    assert.equal(t.text, fmt.metric(t.metric, p.current[t.metric], currency), `${label}: ${t.metric} as shown`);
    assert.equal(t.delta, fmt.metricChange(t.metric, p.change[t.metric], p.change_points[t.metric]), `${label}: ${t.metric} change as shown`);
  }
}

async function tableRows(page) {
  return page.$$eval('#campaigns tbody tr', (trs) => trs.map((tr) => ({
    name: tr.querySelector('.name-text')?.textContent ?? '',
    platform: tr.dataset.platform,
    spend: tr.querySelector('td[data-key="spend"]')?.dataset.value ?? null,
    drill: [...tr.querySelectorAll('.drill-button')].map((b) => b.dataset.level),
  })));
}

// Choose a value in a select and wait for core's answer to be painted.
async function choose(page, selector, value) {
  await page.selectOption(selector, value);
  await settle(page);
}

const browser = await launchChromium();
let failed = false;
try {
  const url = pathToFileURL(path.join(path.resolve(webDir), 'index.html')).href;
  const { page, problems, requests, loadedAt } = await openPage(browser, url);
  await upload(page, both);

  // ---------------------------------------------------- range + year over year
  await choose(page, '#range', 'custom');
  const bounds = await page.$eval('#range-start', (e) => ({ min: e.min, max: e.max }));
  assert.deepEqual(bounds, { min: iso(0), max: iso(DAYS - 1) }, 'the custom dates are bounded by the data');
  await page.fill('#range-start', FROM);
  await settle(page);
  await page.fill('#range-end', TO);
  await settle(page);
  await choose(page, '#compare', 'year');
  await checkKpis(page, expectedYear, `${FROM}–${TO} vs a year earlier`);
  const label = await page.textContent('#period-label');
  assert.ok(label.includes(fmt.dateRange(FROM, TO)), `period label names the range: ${label}`);
  assert.ok(label.includes(fmt.dateRange(expectedYear.periods.previous.start, expectedYear.periods.previous.end)), `period label names the year-earlier range: ${label}`);
  assert.equal(await page.getAttribute('#period-label', 'aria-live'), 'polite', 'the period label is announced');
  console.log(`ok   custom range ${FROM} – ${TO} vs the same period last year: tiles and changes = glint analyze --compare year`);

  // The campaign table reads the chosen period: the test's own sum of spend.
  const inWindow = (r) => r.date >= FROM && r.date <= TO;
  const rows0 = await tableRows(page);
  for (const c of GOOGLE) {
    const row = rows0.find((r) => r.name === c.campaign);
    assert.ok(row, `campaign ${c.campaign} is listed`);
    const cents = googleRows.filter((r) => r.campaign === c.campaign && inWindow(r)).reduce((s, r) => s + r.cents, 0);
    assert.equal(Math.round(Number(row.spend) * 100), cents, `${c.campaign}: spend in the window`);
  }
  console.log('ok   campaign table: spend per Google campaign = the sum over the CSV rows in the window');

  for (const type of HL) {
    await page.click(`#tab-${type}`);
    const sentences = await page.$$eval('#highlight-panel .card .sentence', (els) => els.map((e) => e.textContent));
    assert.deepEqual(sentences, factsAll[type].map((f) => f.sentence), `${type} highlights = glint highlight --from --to --compare year`);
  }
  console.log('ok   highlights for the range and comparison = glint highlight --from --to --compare year');

  // ---------------------------------------------------- platform filter
  await choose(page, '#filter-platform', 'meta_ads');
  await checkKpis(page, expectedMeta, 'only Meta Ads');
  const metaRows = await tableRows(page);
  assert.ok(metaRows.length > 0, 'Meta campaigns are listed');
  assert.ok(metaRows.every((r) => r.platform === 'meta_ads'), `only Meta rows remain: ${metaRows.map((r) => r.platform)}`);
  for (const c of GOOGLE) assert.ok(!metaRows.some((r) => r.name === c.campaign), `${c.campaign} is gone from the table`);
  await page.check('#trend-by-platform');
  const legend = await page.$$eval('#chart-legend .legend-label', (els) => els.map((e) => e.textContent));
  assert.ok(legend.length >= 1 && legend.every((l) => l.startsWith(fmt.platformName('meta_ads'))), `chart lines per platform, Meta only: ${legend}`);
  for (const type of HL) {
    await page.click(`#tab-${type}`);
    const sentences = await page.$$eval('#highlight-panel .card .sentence', (els) => els.map((e) => e.textContent));
    assert.deepEqual(sentences, factsMeta[type].map((f) => f.sentence), `${type} highlights = glint highlight --platform meta_ads`);
    assert.ok(!sentences.some((x) => x.includes('Google')), `${type} highlights do not mention Google`);
  }
  const highlightText = await page.$$eval('#highlight-panel, #highlight-tabs', (els) => els.map((e) => e.textContent).join(' '));
  for (const c of GOOGLE) assert.ok(!highlightText.includes(c.campaign), `the highlights do not mention ${c.campaign}`);
  for (const type of ['summary', 'grow', 'optimize', 'protect']) {
    await page.click(`#tab-${type}`);
    const text = await page.textContent('#highlight-panel');
    for (const c of GOOGLE) assert.ok(!text.includes(c.campaign), `${type} highlights do not mention ${c.campaign}`);
  }
  console.log('ok   platform filter meta_ads: tiles = glint analyze --platform meta_ads; table, chart and highlights hold no Google campaign');

  // By platform without a filter: one line per platform.
  await choose(page, '#filter-platform', '');
  const legendAll = await page.$$eval('#chart-legend .legend-label', (els) => els.map((e) => e.textContent));
  assert.ok(legendAll.some((l) => l.startsWith(fmt.platformName('google_ads'))) && legendAll.some((l) => l.startsWith(fmt.platformName('meta_ads'))), `one line per platform: ${legendAll}`);
  await page.uncheck('#trend-by-platform');
  console.log('ok   chart by platform: a Google Ads and a Meta Ads line');

  // ---------------------------------------------------- drill-down
  const camp = GOOGLE[1];
  const group = 'Analytics Tools';
  const campRow = page.locator('#campaigns tbody tr', { has: page.locator('.name-text', { hasText: camp.campaign }) });
  const adGroupButton = campRow.locator('.drill-button[data-level="ad_group"]');
  assert.equal(await adGroupButton.count(), 1, `${camp.campaign} has an "Ad groups" button`);
  await adGroupButton.focus();
  await page.keyboard.press('Enter'); // keyboard, not only the mouse
  await settle(page);
  const groups = await tableRows(page);
  assert.deepEqual(groups.map((r) => r.name).sort(), Object.keys(camp.groups).sort(), 'the ad groups of the campaign, and only those');
  for (const g of Object.keys(camp.groups)) {
    const cents = googleRows.filter((r) => r.campaign === camp.campaign && r.ad_group === g && inWindow(r)).reduce((s, r) => s + r.cents, 0);
    assert.equal(Math.round(Number(groups.find((r) => r.name === g).spend) * 100), cents, `ad group ${g}: spend = the CSV rows' sum`);
  }
  const crumbs = await page.textContent('#drill-path');
  assert.ok(crumbs.includes(camp.campaign), `breadcrumbs name the campaign: ${crumbs}`);
  console.log('ok   drill-down to ad groups: spend per ad group = the sum over the CSV rows');

  const groupRow = page.locator('#campaigns tbody tr', { has: page.locator('.name-text', { hasText: group }) });
  await groupRow.locator('.drill-button[data-level="keyword"]').click();
  await settle(page);
  const keywords = await tableRows(page);
  assert.deepEqual(keywords.map((r) => r.name).sort(), [...camp.groups[group]].sort(), 'the keywords of the ad group');
  for (const k of camp.groups[group]) {
    const cents = googleRows.filter((r) => r.campaign === camp.campaign && r.ad_group === group && r.keyword === k && inWindow(r)).reduce((s, r) => s + r.cents, 0);
    assert.equal(Math.round(Number(keywords.find((r) => r.name === k).spend) * 100), cents, `keyword ${k}: spend = the CSV rows' sum`);
  }
  console.log('ok   drill-down to keywords: spend per keyword = the sum over the CSV rows');

  // ---------------------------------------------------- a11y, network
  // Until axe runs, nothing at all is requested after load (not even a page file).
  assert.deepEqual(networkRequests(requests, { since: loadedAt }), [], 'requests after load, before axe');
  assert.deepEqual(problems, [], 'console or page errors before axe');
  const problemsBeforeAxe = problems.length;
  await page.selectOption('#compare', 'custom'); // the custom comparison dates open; nothing asked until both are set
  const violations = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(violations, [], 'axe: serious or critical violations with the controls open');
  console.log('ok   axe-core: no serious or critical violations with the controls open');
  await page.screenshot({ path: path.join(artifacts, 'e2e-analyst-controls.png'), fullPage: true });

  // Back up the breadcrumbs.
  await page.locator('#drill-path button.crumb').first().click();
  await settle(page);
  const top = await tableRows(page);
  assert.ok(top.some((r) => r.name === camp.campaign), 'the breadcrumbs lead back to the campaigns');
  console.log('ok   breadcrumbs go back up to the campaigns');

  // axe-core re-reads the page's own stylesheet on file://: only the page's files may be read, nothing may leave.
  const pageFiles = new Set(['index.html', 'app.js', 'style.css'].map((f) => pathToFileURL(path.join(path.resolve(webDir), f)).href));
  assert.deepEqual(networkRequests(requests, { since: Infinity }).map((r) => r.url), [], 'no request leaves the page');
  assert.deepEqual(requests.filter((r) => r.url.startsWith('file:') && !pageFiles.has(r.url.split('#')[0])).map((r) => r.url), [], 'no file read but the page itself');
  // axe's own stylesheet XHR is refused on file:// (a console error of axe's, not the page's).
  const axeNoise = (m) => /XMLHttpRequest at 'file:.*style\.css'|Failed to load resource: net::ERR_FAILED/.test(m);
  assert.deepEqual(problems.slice(problemsBeforeAxe).filter((m) => !axeNoise(m)), [], 'console or page errors');
  console.log('ok   no network request, no console error');
} catch (e) {
  failed = true;
  console.error(`FAIL ${e.stack ?? e.message}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
