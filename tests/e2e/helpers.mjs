// What the e2e tests share: opening the page with its console and network
// watched, waiting for it to settle, reading core's answers from the native
// binary, and running axe-core from web/node_modules (injected as text, so
// nothing is fetched).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../web/package.json'));

// The JSON a glint subcommand prints; throws with its stderr on failure.
export function glintJson(glint, args) {
  const r = spawnSync(glint, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`glint ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// A page whose console errors, page errors and requests are recorded.
export async function openPage(browser, url, { width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push({ url: r.url(), at: Date.now() }));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Ready'), null, { timeout: 30000 });
  await settle(page);
  return { context, page, problems, requests, loadedAt: Date.now() };
}

// Waits until the page has no reading or analysis in flight.
export async function settle(page, timeout = 60000) {
  await page.waitForFunction(() => document.body.dataset.busy === 'false', null, { timeout });
}

export async function upload(page, files, timeout = 60000) {
  await page.setInputFiles('#file', files);
  await page.waitForFunction(() => document.body.dataset.busy === 'true' || document.querySelector('#files li'), null, { timeout });
  await settle(page, timeout);
}

// Requests that would leave the machine: anything but the page's own files
// (file:, or the serving origin before `since`), blob: and data: URLs.
export function networkRequests(requests, { origin = null, since = 0 } = {}) {
  return requests.filter((r) => {
    const u = new URL(r.url);
    if (u.protocol === 'blob:' || u.protocol === 'data:') return false;
    if (u.protocol === 'file:') return r.at > since;
    if (origin && u.origin === origin) return r.at > since;
    return true;
  });
}

// axe-core's serious and critical violations on the page as it is.
export async function axeViolations(page) {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  return result;
}

export function check(cond, message) {
  if (!cond) throw new Error(message);
}
