// e2e: a report to hand on (issue 17). In Debian's Chromium from file://:
// - print: with print media the drop zone, toolbars and buttons are gone, the
//   KPI tiles, chart, highlights and action plan remain, showing the figures
//   `glint analyze --json` computes; a screenshot and an A4 PDF are saved;
// - CSV: the campaigns download has a UTF-8 BOM, CRLF lines, the locale's
//   delimiter and decimal mark (en and de-DE), unformatted numbers (a spend
//   cell equals this test's own sum of the rows it wrote, in cents) and every
//   campaign name that could start a formula neutralised with a quote;
// - session: a reload shows the same KPI tiles without a new upload, Forget
//   clears them for good; with "Also keep the files" a reload reads the files
//   again, so another period can be analysed (checked against native);
// - phone (390×844): no content wider than its box, tables scroll with a
//   sticky first column, the KPIs above the file cards;
// - axe-core in light and dark, and no network request in any of it.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { argValue } from '../support/golden.mjs';
import { launchChromium } from '../support/browser.mjs';
import * as fmt from '../../web/src/format.js';
import * as csvLib from '../../web/src/export/csv.js';
import { googleAdsExcelExport, metaAdsExport } from './fixtures.mjs';
import { glintJson, upload, settle, networkRequests, axeViolations } from './helpers.mjs';

const webDir = argValue('--web-dir');
const glint = argValue('--glint');
const artifacts = argValue('--artifacts');
const work = path.join(argValue('--work'), 'report');
fs.mkdirSync(artifacts, { recursive: true });
fs.mkdirSync(work, { recursive: true });
assert.ok(fs.existsSync(path.join(webDir, 'index.html')), `${webDir}/index.html is missing: build the page first`);
const url = pathToFileURL(path.join(webDir, 'index.html')).href;

// ------------------------------------------------------------------ inputs

const googleFile = path.join(work, 'report_google_ads_excel.csv');
const metaFile = path.join(work, 'report_meta_ads.csv');
fs.writeFileSync(googleFile, googleAdsExcelExport());
fs.writeFileSync(metaFile, metaAdsExport());
const both = [googleFile, metaFile];

// Campaign names a spreadsheet would take for formulas, and one it would not.
const NAMES = ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tTab', '\rCR', 'Normal Campaign'];
const injFile = path.join(work, 'report_injection.csv');
const spendCents = new Map(NAMES.map((n) => [n, 0]));
{
  const q = (s) => (/[",\r\n\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['Day,Campaign,Currency,Cost,Clicks,Impressions,Conversions,Conv. value'];
  for (let d = 0; d < 40; d++) {
    const day = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    NAMES.forEach((n, i) => {
      const cents = 1000 + ((d * 37 + i * 101) % 900) + (d % 3 === 0 ? 0.4 : 0); // some rows in fractions of a cent
      // The campaign table reads the chosen period, the page's default last 30 days: days 10 … 39.
      if (d >= 10) spendCents.set(n, spendCents.get(n) + cents);
      lines.push([day, q(n), 'EUR', (cents / 100).toFixed(4), 10 + i + (d % 5), 1000 + i * 10 + d, (d + i) % 3, ((d + i) % 3) * 25.5].join(','));
    });
  }
  fs.writeFileSync(injFile, `${lines.join('\n')}\n`);
}

const expected = glintJson(glint, ['analyze', '--json', '--full', '--days', '30', ...both]);
const expected7 = glintJson(glint, ['analyze', '--json', '--days', '7', ...both]);
const expectedInj = glintJson(glint, ['analyze', '--json', '--days', '30', injFile]);
fmt.setMinorUnits(expected.format?.minor_units);
const currency = expected.currencies.length === 1 ? expected.currencies[0] : null;

// ------------------------------------------------------------------ helpers

const browser = await launchChromium();
const allRequests = [];
const allProblems = [];
let axeRunning = false; // while axe-core runs (see open)
const contexts = [];

async function open(options = {}, label = 'page', initScript = null) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, ...options });
  contexts.push(context);
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // axe-core (injected by the test, not the page) re-reads the stylesheet by
    // XHR, which Chromium refuses on file://: only that is let through, and only while axe runs.
    if (axeRunning && /XMLHttpRequest at 'file:.*style\.css'.*CORS|net::ERR_FAILED/.test(m.text())) return;
    allProblems.push(`${label}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => allProblems.push(`${label}: pageerror: ${e.message}`));
  page.on('request', (r) => allRequests.push({ url: r.url(), at: Date.now() }));
  await page.goto(url);
  await ready(page);
  return { context, page };
}

// The engine is up and nothing is in flight (a restored session counts as in flight).
async function ready(page) {
  await page.waitForFunction(() => /^(Ready|Analysed|Forgotten)/.test(document.getElementById('status').textContent), null, { timeout: 30000 });
  await settle(page);
}

const kpiTiles = (page) => page.$$eval('#kpis .kpi', (els) => els.map((e) => ({
  metric: e.dataset.metric, value: e.dataset.value, text: e.querySelector('.kpi-value').textContent,
  visible: e.getBoundingClientRect().height > 0 && getComputedStyle(e).visibility !== 'hidden',
})));

function checkKpis(tiles, report, label) {
  assert.ok(tiles.length >= 6, `${label}: ${tiles.length} KPI tiles`);
  for (const t of tiles) {
    assert.equal(Number(t.value), report.periods.current[t.metric], `${label}: ${t.metric} value`);
    assert.equal(t.text, fmt.metric(t.metric, report.periods.current[t.metric], currency), `${label}: ${t.metric} as shown`);
  }
}

// RFC 4180: fields split on the delimiter, quoted fields with doubled quotes.
function parseCsv(text, delimiter) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') { quoted = true; i++; continue; }
    if (c === delimiter) { row.push(cell); cell = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 2; continue; }
    assert.ok(c !== '\n' && c !== '\r', `CSV: a bare line break outside quotes at ${i}`);
    cell += c;
    i++;
  }
  assert.equal(cell, '', 'CSV: the last line ends in CRLF');
  assert.equal(row.length, 0, 'CSV: the last line ends in CRLF');
  return rows;
}

async function checkCampaignCsv(locale) {
  const { context, page } = await open(locale ? { locale } : {}, `csv ${locale ?? 'default'}`);
  const pageLocale = await page.evaluate(() => navigator.language);
  await upload(page, [injFile]);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#campaigns-section [data-csv=campaigns]')]);
  const bytes = fs.readFileSync(await dl.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], `${pageLocale}: the CSV starts with the UTF-8 BOM`);
  const text = bytes.subarray(3).toString('utf8');
  const comma = new Intl.NumberFormat(pageLocale).formatToParts(1.5).find((p) => p.type === 'decimal').value === ',';
  const delimiter = comma ? ';' : ',';
  const mark = comma ? ',' : '.';
  assert.ok(text.split('\r\n')[0].startsWith(['campaign', 'campaign_id', 'account_id', 'platform', 'currency', 'spend'].join(delimiter)), `${pageLocale}: header with '${delimiter}': ${text.split('\r\n')[0]}`);
  const rows = parseCsv(text, delimiter);
  const header = rows[0];
  const body = rows.slice(1);
  assert.equal(body.length, expectedInj.by_campaign.length, `${pageLocale}: one line per campaign`);
  const at = (k) => header.indexOf(k);
  // Every name core kept (core trims the leading tab), neutralised when it could start a formula.
  for (const c of expectedInj.by_campaign) {
    const dangerous = /^[=+\-@\t\r]/.test(c.campaign);
    const want = dangerous ? `'${c.campaign}` : c.campaign;
    const line = body.find((r) => r[at('campaign')] === want);
    assert.ok(line, `${pageLocale}: campaign ${JSON.stringify(c.campaign)} written as ${JSON.stringify(want)}; cells: ${JSON.stringify(body.map((r) => r[0]))}`);
    const quotedInFile = text.includes(`"${want.replace(/"/g, '""')}"`);
    if (dangerous) assert.ok(quotedInFile, `${pageLocale}: ${JSON.stringify(want)} is quoted`);
  }
  for (const n of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\rCR']) {
    assert.ok(body.some((r) => r[at('campaign')] === `'${n}`), `${pageLocale}: ${JSON.stringify(n)} neutralised`);
  }
  // Numbers: no grouping, the locale's decimal mark, money in cents.
  const numberCell = mark === ',' ? /^-?\d+(,\d+)?$/ : /^-?\d+(\.\d+)?$/;
  for (const k of ['spend', 'clicks', 'impressions', 'ctr', 'cpc', 'roas']) {
    for (const r of body) assert.match(r[at(k)], numberCell, `${pageLocale}: ${k} cell ${r[at(k)]} is an unformatted number`);
  }
  for (const r of body) assert.ok((r[at('spend')].split(mark)[1] ?? '').length <= 2, `${pageLocale}: spend ${r[at('spend')]} rounded to cents`);
  for (const r of body) assert.ok((r[at('ctr')].split(mark)[1] ?? '').length <= 6, `${pageLocale}: ctr ${r[at('ctr')]} to 6 decimals`);
  const normal = body.find((r) => r[at('campaign')] === 'Normal Campaign');
  const ownSum = (Math.round(spendCents.get('Normal Campaign')) / 100).toString().replace('.', mark);
  assert.equal(normal[at('spend')], ownSum, `${pageLocale}: Normal Campaign's spend is this test's own sum in cents`);
  const plus = body.find((r) => r[at('campaign')] === "'+1+1");
  assert.equal(plus[at('spend')], (Math.round(spendCents.get('+1+1')) / 100).toString().replace('.', mark), `${pageLocale}: '+1+1' spend`);
  await context.close();
  return { pageLocale, delimiter };
}

// Elements whose content is wider than their box (tables scroll on purpose;
// visually hidden text is clipped on purpose).
const overflowing = (page) => page.evaluate(() => {
  const bad = [];
  for (const el of document.querySelectorAll('#results *, .kpis *')) {
    if (el.closest('.table-wrap') || el.closest('.visually-hidden') || el.closest('[hidden]')) continue;
    if (el.getClientRects().length === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) bad.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}: ${el.scrollWidth} > ${el.clientWidth}`);
  }
  return bad;
});

const seriousOf = (v) => v.filter((x) => x.impact === 'serious' || x.impact === 'critical');
async function axeSerious(page) {
  axeRunning = true;
  try {
    return seriousOf(await axeViolations(page));
  } finally {
    axeRunning = false;
  }
}

// ------------------------------------------------------------------ run

try {
  // ---------------------------------------------------------------- print
  {
    const { context, page } = await open({}, 'print');
    await upload(page, both);
    assert.equal(await page.locator('#print-report').isVisible(), true, 'a Print / Save as PDF button in the Overview toolbar');
    assert.equal(await page.locator('#chart-png').isVisible(), true, 'a PNG button in the Daily trend toolbar');
    // The chart as PNG: a real image, bigger than the chart's canvas (title and legend above it).
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#chart-png')]);
    const img = fs.readFileSync(await png.path());
    assert.deepEqual([...img.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the chart download is a PNG');
    const canvasSize = await page.$eval('#chart canvas', (c) => [c.width, c.height]);
    const pngSize = [img.readUInt32BE(16), img.readUInt32BE(20)];
    assert.ok(pngSize[0] > canvasSize[0] && pngSize[1] > canvasSize[1], `the PNG (${pngSize}) holds the chart (${canvasSize}) and its title and legend`);
    fs.writeFileSync(path.join(artifacts, 'report-chart.png'), img);

    await page.emulateMedia({ media: 'print' });
    const shown = await page.evaluate(() => {
      const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      return {
        dropzone: visible(document.getElementById('dropzone')),
        fileInput: visible(document.getElementById('file')),
        // Sortable column headings and legend entries are buttons on screen, labels on paper.
        buttons: [...document.querySelectorAll('button, .button, select, input')].filter((b) => !b.matches('thead button.sort, button.legend-item')).filter(visible).map((b) => b.id || b.textContent.trim()),
        headings: [...document.querySelectorAll('#campaigns thead th')].filter(visible).map((th) => th.innerText.trim()),
        legend: [...document.querySelectorAll('#chart-legend .legend-label')].filter(visible).map((x) => x.textContent),
        toolbars: [...document.querySelectorAll('.toolbar')].filter(visible).length,
        tiles: [...document.querySelectorAll('#kpis .kpi')].filter(visible).length,
        chart: visible(document.querySelector('#chart canvas')),
        highlights: [...document.querySelectorAll('#highlight-panel .card')].filter(visible).length,
        plan: [...document.querySelectorAll('#actions li.action')].filter(visible).length,
      };
    });
    assert.equal(shown.dropzone, false, 'print: no drop zone');
    assert.equal(shown.fileInput, false, 'print: no file chooser');
    assert.deepEqual(shown.buttons, [], 'print: no buttons or controls');
    assert.equal(shown.toolbars, 0, 'print: no toolbars');
    assert.ok(shown.tiles >= 6, `print: KPI tiles (${shown.tiles})`);
    assert.equal(shown.chart, true, 'print: the chart');
    assert.ok(shown.highlights > 0, 'print: highlight cards');
    assert.ok(shown.plan > 0, 'print: the action plan');
    assert.ok(shown.headings.includes('Spend') && shown.headings.includes('ROAS'), `print: the campaign table's headings (${shown.headings})`);
    assert.deepEqual(shown.legend, ['Spend', 'Revenue'], 'print: the chart legend');
    const tiles = await kpiTiles(page);
    assert.ok(tiles.every((t) => t.visible), 'print: every KPI tile is visible');
    checkKpis(tiles, expected, 'print');
    await page.screenshot({ path: path.join(artifacts, 'report-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(artifacts, 'report.pdf'), pdf);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'report.pdf is a PDF');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    assert.ok(pages >= 1, `report.pdf has ${pages} pages`);
    await page.emulateMedia({ media: 'screen' });
    await context.close();
    console.log(`ok   print: tiles, chart, highlights and plan shown, controls hidden; report.pdf (${pages} A4 pages), chart PNG ${pngSize.join('×')}`);
  }

  // ---------------------------------------------------------------- CSV
  {
    // The pure API first: what a file ingest cannot carry (core trims a leading tab).
    assert.equal(csvLib.cellText('\tTab'), `"'\tTab"`, 'a leading tab is neutralised');
    assert.equal(csvLib.cellText(-0.05, { kind: 'ratio' }), '-0.05', 'a negative number stays a number');
    assert.equal(csvLib.cellText('-0.05'), `"'-0.05"`, 'a text cell that looks negative is neutralised');
    assert.equal(csvLib.cellText(1234.5678, { kind: 'money', currency: 'JPY', minorUnits: (c) => (c === 'JPY' ? 0 : 2), delimiter: ';' }), '1235', 'yen to whole units');
    assert.equal(csvLib.cellText(0.1234567891, { kind: 'ratio', delimiter: ';' }), '0,123457', 'a ratio to 6 decimals, decimal comma with ;');
    assert.equal(csvLib.cellText('a;b', { delimiter: ';' }), '"a;b"', 'the delimiter is quoted');
    const en = await checkCampaignCsv(null);
    const de = await checkCampaignCsv('de-DE');
    assert.equal(en.delimiter, ',', `${en.pageLocale}: comma-separated`);
    assert.equal(de.delimiter, ';', `${de.pageLocale}: semicolon-separated`);
    console.log(`ok   CSV: BOM, CRLF, '${en.delimiter}' in ${en.pageLocale} and '${de.delimiter}' in ${de.pageLocale}, formula cells neutralised, spend in cents = own sums`);
  }

  // ---------------------------------------------------------------- session
  {
    const { context, page } = await open({}, 'session');
    await upload(page, both);
    const before = await kpiTiles(page);
    checkKpis(before, expected, 'before reload');
    await page.waitForFunction(() => /Kept in this browser/.test(document.getElementById('session-note').textContent));
    await page.reload();
    await ready(page);
    assert.match(await page.textContent('#session-note'), /^Restored from this browser \(.+\)/, 'the restored note');
    assert.equal(await page.locator('#session-bar').isVisible(), true, 'the restored note is shown');
    assert.equal(await page.locator('#session-forget').isVisible(), true, 'a Forget button');
    const after = await kpiTiles(page);
    assert.deepEqual(after.map((t) => [t.metric, t.text]), before.map((t) => [t.metric, t.text]), 'the KPI tiles after a reload, without a new upload');
    assert.equal(await page.locator('#files li').count(), 2, 'the two files are listed');
    assert.equal(await page.locator('#days-7').isDisabled(), true, 'restored without files: the period switch is off');
    for (const id of ['#range', '#compare', '#filter-platform']) {
      assert.equal(await page.locator(id).isDisabled(), true, `restored without files: ${id} is off`);
    }
    assert.ok((await page.$$eval('#highlight-panel .card', (c) => c.length)) > 0, 'restored: the highlights');
    assert.equal(await page.locator('#chart canvas').count(), 1, 'restored: the chart');
    // Forget: the page empties, and stays empty after a reload.
    await page.click('#session-forget');
    await settle(page);
    assert.equal(await page.locator('#results').isHidden(), true, 'Forget: no results');
    assert.equal(await page.locator('#files li').count(), 0, 'Forget: no files');
    await page.reload();
    await ready(page);
    assert.equal(await page.locator('#results').isHidden(), true, 'after Forget and a reload: no results');
    assert.equal(await page.locator('#session-bar').isHidden(), true, 'after Forget and a reload: no note');
    assert.equal(await page.locator('#kpis .kpi').count(), 0, 'after Forget and a reload: no KPI tiles');
    // Keeping the files: a reload reads them again, so the engine answers for another period.
    assert.equal(await page.locator('#keep-files').isChecked(), false, 'keeping files is off by default');
    await page.check('#keep-files');
    await upload(page, both);
    await page.waitForFunction(() => /with the files/.test(document.getElementById('session-note').textContent));
    await page.reload();
    await ready(page);
    assert.match(await page.textContent('#session-note'), /^Restored from this browser \(.+\): the kept files were read again/, 'restored with the files');
    assert.equal(await page.locator('#days-7').isDisabled(), false, 'restored with files: the period switch works');
    checkKpis(await kpiTiles(page), expected, 'files re-read');
    await page.click('label[for=days-7]');
    await settle(page);
    checkKpis(await kpiTiles(page), expected7, 'files re-read, 7 days');
    await page.click('#session-forget');
    await settle(page);
    await context.close();
    // Without IndexedDB (as in some private windows) the page works and keeps nothing.
    const priv = await open({}, 'no indexedDB', () => { Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }); });
    assert.equal(await priv.page.evaluate(() => typeof indexedDB), 'undefined', 'the init script removed IndexedDB');
    await upload(priv.page, both);
    checkKpis(await kpiTiles(priv.page), expected, 'without IndexedDB');
    assert.equal(await priv.page.locator('#session-bar').isHidden(), true, 'without IndexedDB: no session note');
    await priv.context.close();
    console.log('ok   session: a reload restores the tiles; Forget clears them for good; kept files are read again (7-day switch matches native)');
  }

  // ---------------------------------------------------------------- phone, axe light and dark
  for (const colorScheme of ['light', 'dark']) {
    const { context, page } = await open({ viewport: { width: 390, height: 844 }, colorScheme, isMobile: false }, `phone ${colorScheme}`);
    await upload(page, both);
    assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), colorScheme === 'dark', `${colorScheme}: the colour scheme`);
    const wide = await overflowing(page);
    assert.deepEqual(wide, [], `390 px ${colorScheme}: content wider than its box`);
    const truncated = await page.$$eval('#kpis .kpi-value', (els) => els.filter((e) => getComputedStyle(e).textOverflow === 'ellipsis' || e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
    assert.deepEqual(truncated, [], '390 px: no KPI value cut');
    const sticky = await page.$$eval('.table-wrap', (wraps) => wraps.filter((w) => w.getClientRects().length).map((w) => {
      const th = w.querySelector('tr > :first-child');
      return { id: w.querySelector('table')?.id ?? '', position: th ? getComputedStyle(th).position : 'none', scrolls: getComputedStyle(w).overflowX };
    }));
    assert.ok(sticky.length >= 2, '390 px: tables shown');
    for (const s of sticky) {
      assert.equal(s.position, 'sticky', `390 px: ${s.id} first column is sticky`);
      assert.equal(s.scrolls, 'auto', `390 px: ${s.id} scrolls sideways in its frame`);
    }
    const campaignsScroll = await page.$eval('#campaigns', (t) => [t.closest('.table-wrap').scrollWidth, t.closest('.table-wrap').clientWidth]);
    assert.ok(campaignsScroll[0] > campaignsScroll[1], `390 px: the campaign table is wider than the screen and scrolls (${campaignsScroll})`);
    const order = await page.evaluate(() => ({ kpis: document.getElementById('kpis').getBoundingClientRect().top, files: document.getElementById('files').getBoundingClientRect().top }));
    assert.ok(order.kpis < order.files, `390 px: the KPIs (top ${order.kpis}) come before the file cards (top ${order.files})`);
    checkKpis(await kpiTiles(page), expected, `390 px ${colorScheme}`);
    const violations = await axeSerious(page);
    assert.deepEqual(violations, [], `axe ${colorScheme} at 390 px: serious or critical violations`);
    await page.screenshot({ path: path.join(artifacts, `report-390-${colorScheme}.png`), fullPage: true });
    await context.close();

    const desk = await open({ colorScheme }, `desktop ${colorScheme}`);
    await upload(desk.page, both);
    const dv = await axeSerious(desk.page);
    assert.deepEqual(dv, [], `axe ${colorScheme} at 1280 px: serious or critical violations`);
    await desk.page.screenshot({ path: path.join(artifacts, `report-1280-${colorScheme}.png`), fullPage: true });
    await desk.context.close();
    console.log(`ok   ${colorScheme}: 390 px fits (sticky first columns, KPIs first), axe clean at 390 and 1280 px`);
  }

  // ---------------------------------------------------------------- network
  const pageFiles = new Set(['index.html', 'app.js', 'style.css'].map((f) => pathToFileURL(path.join(webDir, f)).href));
  const outside = networkRequests(allRequests, { since: Infinity });
  assert.deepEqual(outside.map((r) => r.url), [], 'no network request from the page');
  const strayFiles = allRequests.filter((r) => r.url.startsWith('file:') && !pageFiles.has(r.url.split('#')[0]));
  assert.deepEqual(strayFiles.map((r) => r.url), [], 'no file read but the page itself');
  assert.deepEqual(allProblems, [], 'console errors');
  console.log(`ok   no network request (${allRequests.length} requests, all the page's own files or blob:)`);
} finally {
  for (const c of contexts) await c.close().catch(() => {});
  await browser.close();
}
