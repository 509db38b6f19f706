// e2e: the API reference at /docs in Debian's Chromium, served by `glint
// serve` with every request that would leave the machine refused. It must
// render, list every operation of the server's /openapi.json (method and
// path, as a person sees them), log no errors, and fetch nothing but the
// server's own files. The screenshot is kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { argValue } from '../support/golden.mjs';
import { launchChromium, startServer } from '../support/browser.mjs';

const webDir = argValue('--web-dir');
const glint = argValue('--glint');
const artifacts = argValue('--artifacts');
fs.mkdirSync(artifacts, { recursive: true });
assert.ok(fs.existsSync(path.join(webDir, 'docs', 'index.html')), `${webDir}/docs/index.html is missing: build the wasm preset first`);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'glint-e2e-docs-'));
const server = await startServer(glint, ['--web-root', webDir, '--data-dir', dataDir]);
const browser = await launchChromium();
try {
  const origin = new URL(server.url).origin;
  const spec = await (await fetch(new URL('/openapi.json', server.url))).json();
  const expected = [];
  let blocks = 0;
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const m of ['get', 'put', 'post', 'delete', 'patch']) {
      if (!item[m]) continue;
      expected.push(`${m.toUpperCase()} ${p}`);
      blocks += Math.max(1, item[m].tags?.length ?? 0);  // one block under each of its tags
    }
  }
  assert.ok(expected.length >= 80, `the document lists ${expected.length} operations`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  const outside = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // No network: anything not from glint itself is refused (and recorded).
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin === origin || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });

  const response = await page.goto(new URL('/docs', server.url).href);
  assert.equal(new URL(page.url()).pathname, '/docs/', 'GET /docs leads to the reference page');
  assert.equal(response.status(), 200);
  await page.waitForFunction(() => document.body.dataset.docs === 'ready', null, { timeout: 30000 });
  await page.waitForSelector('.opblock', { timeout: 30000 });
  assert.match(await page.textContent('.info .title'), /glint REST API/);

  // What a person sees: each operation's method badge and path. Swagger UI
  // (5.x) virtualises the list once it holds 150 tags + operations, so only
  // what is near the viewport is in the DOM: scroll through the page as a
  // reader does and collect every block that appears.
  const seen = new Map();
  const collect = async () => {
    const blocks = await page.$$eval('.opblock', (bs) => bs.map((b) => {
      const method = b.querySelector('.opblock-summary-method')?.textContent.trim();
      const el = b.querySelector('.opblock-summary-path');
      const p = el?.getAttribute('data-path') ?? el?.textContent.trim();
      return [b.id, `${method} ${p?.replace(/\u200b/g, '')}`];
    }));
    for (const [id, label] of blocks) seen.set(id, label);
  };
  const height = () => page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0, guard = 0; guard < 2000; guard++) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(30);
    await collect();
    if (y >= (await height())) break;
    y += 400;
  }
  const shown = [...seen.values()];
  const missing = expected.filter((e) => !shown.includes(e));
  assert.deepEqual(missing, [], `operations the page does not list: ${missing.join(', ')}`);
  assert.equal(shown.length, blocks, 'one block an operation under each of its tags');
  for (const name of ['SessionHeader', 'SessionQuery', 'BearerToken', 'InternalKey']) {
    assert.ok(spec.components.securitySchemes[name], name);
  }
  assert.ok(await page.$('.btn.authorize'), 'the security schemes are offered (Authorize)');

  // One operation opened, as a reader does: scroll to it, click it; its
  // responses include the error shape.
  const target = '#operations-workspaces-get_api_tenants';
  for (let y = 0; !(await page.$(target)) && y < (await height()); y += 400) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(30);
  }
  await page.click(`${target} .opblock-summary-control`);
  await page.waitForSelector(`${target} .responses-table`, { timeout: 10000 });
  const opened = await page.textContent(target);
  assert.match(opened, /workspaces/);
  assert.match(opened, /has_next/);

  await page.screenshot({ path: path.join(artifacts, 'e2e-docs.png'), fullPage: true });
  assert.deepEqual(outside, [], 'requests that would leave the machine');
  assert.deepEqual(problems, [], 'console errors');
  console.log(`docs: ${shown.length} operations listed, no network, screenshot ${path.join(artifacts, 'e2e-docs.png')}`);
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
