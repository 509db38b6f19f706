// e2e: the page in Debian's Chromium. Opens it from file:// (no server) and
// from `glint serve`, uploads a CSV through the file input and checks that the
// campaign table shows the sums the native binary computes for the same file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { argValue } from '../support/golden.mjs';
import { launchChromium, startServer } from '../support/browser.mjs';
import * as fmt from '../../web/src/format.js';

const webDir = argValue('--web-dir');
const glint = argValue('--glint');
const dataDir = argValue('--data');
const artifacts = argValue('--artifacts');
fs.mkdirSync(artifacts, { recursive: true });
assert.ok(fs.existsSync(path.join(webDir, 'index.html')), `${webDir}/index.html is missing: build the wasm preset first`);

const fixture = path.join(dataDir, 'campaigns_basic.csv');
const native = spawnSync(glint, ['analyze', '--json', fixture], { encoding: 'utf8' });
assert.equal(native.status, 0, native.stderr);
const expected = JSON.parse(native.stdout);

// The page formats with web/src/format.js; the test formats core's numbers
// the same way and compares them with what the page shows.
const KEYS = ['impressions', 'clicks', 'spend', 'ctr', 'cpc'];
const rowText = (name, m) => [name, ...KEYS.map((k) => fmt.metric(k, m[k], m.currency ?? null))];

async function checkPage(browser, url, label) {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Ready'), null, { timeout: 20000 });
  await page.setInputFiles('#file', fixture);
  await page.waitForSelector('#results:not([hidden])', { timeout: 20000 });
  await page.waitForSelector('#campaigns tbody tr', { timeout: 20000 });
  const read = (trs, keys) => trs.map((tr) => [tr.querySelector('.name-text').textContent, ...keys.map((k) => tr.querySelector(`td[data-key="${k}"]`).textContent)]);
  const rows = await page.$$eval('#campaigns tbody tr', read, KEYS);
  const [total] = await page.$$eval('#campaigns tfoot tr', read, KEYS);
  assert.deepEqual(rows, expected.by_campaign.map((c) => rowText(c.campaign, c)), `${label}: campaign rows`);
  assert.deepEqual(total, rowText('Total', expected.totals), `${label}: total row`);
  // The raw values behind the cells are exactly core's numbers.
  const rawSpend = await page.$$eval('#campaigns tbody tr td[data-key="spend"]', (tds) => tds.map((td) => Number(td.dataset.value)));
  assert.deepEqual(rawSpend, expected.by_campaign.map((c) => c.spend), `${label}: raw spend`);
  await page.screenshot({ path: path.join(artifacts, `e2e-upload-${label}.png`), fullPage: true });

  // A file that is not a CSV gets a clear message, not a blank page.
  const bogus = path.join(os.tmpdir(), `glint-e2e-${process.pid}.csv`);
  fs.writeFileSync(bogus, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
  await page.setInputFiles('#file', bogus);
  await page.waitForFunction(() => document.getElementById('status').classList.contains('error'), null, { timeout: 20000 });
  const message = await page.textContent('#status');
  assert.match(message, /not a text/, `${label}: binary file message`);
  fs.unlinkSync(bogus);
  assert.deepEqual(problems, [], `${label}: console errors`);
  await page.close();
  console.log(`ok   ${label}: ${rows.length} campaign rows and the total match native`);
}

const browser = await launchChromium();
let server;
try {
  await checkPage(browser, pathToFileURL(path.join(webDir, 'index.html')).href, 'file');
  const dataTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glint-e2e-data-'));
  server = await startServer(glint, ['--web-root', webDir, '--data-dir', dataTmp]);
  await checkPage(browser, server.url, 'served');
} finally {
  await browser.close();
  if (server) await server.stop();
}
