// Connected mode: when the page is served by `glint serve`, a signed-in
// user works on a workspace's stored data — connections (OAuth pop-up),
// account linking, sync with its progress and freshness, the figures the
// server's core computes, written insights streamed over SSE with how each
// was calculated, and the copilot. Every number shown comes from a server
// response; this file only lays it out. Nothing is sent before the user acts:
// a file dropped offline is uploaded only by the "Add to workspace" button.
import { $, h } from '../dom.js';
import * as fmt from '../format.js';
import { api, streamSse } from './api.js';

const KPI_KEYS = ['spend', 'conversion_value', 'roas', 'conversions', 'cpa', 'clicks', 'impressions', 'ctr'];

const cs = { session: null, user: null, tenant: null, tenants: [], connection: null, popup: null };

// Shows connected mode only over http(s) and only when a glint server answers.
export async function initConnected({ droppedFiles, showWorkspace = null }) {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
  let alive = false;
  try {
    const r = await fetch('/health', { credentials: 'same-origin' });
    alive = r.ok;
  } catch { alive = false; }
  if (!alive) return;
  const button = $('signin-open');
  button.hidden = false;
  button.addEventListener('click', () => { $('connected').hidden = false; paint(); $('cx-email')?.focus(); });
  cs.droppedFiles = droppedFiles;
  cs.showWorkspace = showWorkspace;
  window.addEventListener('message', onOAuthMessage);
  paint();
}

const call = (method, path, body) => api(method, path, body, cs.session);
const withTenant = (path) => `${path}${path.includes('?') ? '&' : '?'}tenant_id=${encodeURIComponent(cs.tenant.id)}`;

function say(text, error = false) {
  const el = $('cx-status');
  if (!el) return;
  el.textContent = text;
  el.classList.toggle('error', error);
}

function paint() {
  const root = $('connected');
  root.replaceChildren(h('h2', { id: 'connected-title', text: 'Workspace' }), h('p', { id: 'cx-status', role: 'status' }));
  if (!cs.session) root.append(signInForm());
  else root.append(workspaceView());
}

function signInForm() {
  const form = h('form', { id: 'cx-signin', class: 'cx-form' },
    h('label', { for: 'cx-email' }, 'Email'), h('input', { id: 'cx-email', type: 'email', autocomplete: 'username', required: true }),
    h('label', { for: 'cx-password' }, 'Password'), h('input', { id: 'cx-password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit', id: 'cx-signin-submit' }, 'Sign in'),
    h('button', { type: 'button', id: 'cx-register', class: 'link', onclick: () => register() }, 'Create an account'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await api('POST', '/api/auth/login', { email: $('cx-email').value, password: $('cx-password').value });
    if (!r.ok) { say(r.body?.detail ?? r.body?.message ?? `Sign-in failed (${r.status})`, true); return; }
    cs.session = r.body.session_id;
    cs.user = r.body.user;
    await loadTenants();
  });
  return form;
}

async function register() {
  const r = await api('POST', '/api/auth/register', { email: $('cx-email').value, password: $('cx-password').value });
  say(r.ok ? (r.body?.detail ?? 'Check your mail for the code.') : (r.body?.detail ?? `Registration failed (${r.status})`), !r.ok);
}

async function loadTenants() {
  const r = await call('GET', '/api/tenants');
  cs.tenants = r.ok ? (r.body.tenants ?? r.body.items ?? []) : [];
  cs.tenant = cs.tenants[0] ?? null;
  paint();
  if (cs.tenant) await refreshConnections();
}

function workspaceView() {
  const pick = h('select', { id: 'cx-tenant', 'aria-label': 'Workspace' },
    cs.tenants.map((t) => h('option', { value: t.id, selected: cs.tenant && t.id === cs.tenant.id }, t.name)));
  pick.addEventListener('change', async () => { cs.tenant = cs.tenants.find((t) => t.id === pick.value); cs.connection = null; paint(); await refreshConnections(); });
  const create = h('button', { type: 'button', id: 'cx-new-tenant', onclick: async () => {
    const name = $('cx-tenant-name').value.trim();
    if (!name) return;
    const r = await call('POST', '/api/tenants', { name });
    if (!r.ok) { say(r.body?.detail ?? `Could not create the workspace (${r.status})`, true); return; }
    await loadTenants();
    cs.tenant = cs.tenants.find((t) => t.id === (r.body.tenant?.id ?? r.body.id)) ?? cs.tenant;
    paint();
    await refreshConnections();
  } }, 'New workspace');
  const bar = h('div', { class: 'cx-bar' },
    h('span', { id: 'cx-user', text: cs.user?.email ?? '' }), pick,
    h('input', { id: 'cx-tenant-name', 'aria-label': 'New workspace name', placeholder: 'New workspace name' }), create,
    h('button', { type: 'button', id: 'cx-signout', onclick: signOut }, 'Sign out'));
  if (!cs.tenant) return h('div', null, bar, h('p', { text: 'No workspace yet: name one to start.' }));
  return h('div', null, bar,
    h('section', { id: 'cx-connections', 'aria-label': 'Connections' }, h('h3', { text: 'Connections' }),
      h('ul', { id: 'cx-conn-list' }),
      h('button', { type: 'button', id: 'cx-connect-google', onclick: () => connect('google') }, 'Connect Google'),
      h('div', { id: 'cx-accounts' }), h('div', { id: 'cx-sync' })),
    h('section', { id: 'cx-data', 'aria-label': 'Workspace data' }, h('h3', { text: 'Figures (last 30 days)' }), h('div', { id: 'cx-kpis', class: 'kpis' }),
      cs.showWorkspace ? h('p', null,
        h('button', { type: 'button', id: 'cx-show-dashboard', onclick: openDashboard }, 'Open in the dashboard'), ' ',
        h('button', { type: 'button', id: 'cx-show-files', onclick: () => cs.showWorkspace(null) }, 'Back to my files')) : null),
    h('section', { id: 'cx-insights', 'aria-label': 'Written insights' }, h('h3', { text: 'Written insights' }),
      h('button', { type: 'button', id: 'cx-insight-run', onclick: () => streamInsight('summary') }, 'Write a summary'),
      h('div', { id: 'cx-insight' }),
      h('h4', { text: 'Highlights (computed by the engine, no model)' }), h('ul', { id: 'cx-bronze' })),
    h('section', { id: 'cx-chat', 'aria-label': 'Copilot' }, h('h3', { text: 'Ask the copilot' }),
      h('form', { id: 'cx-chat-form', onsubmit: (ev) => { ev.preventDefault(); ask(); } },
        h('input', { id: 'cx-question', 'aria-label': 'Question', placeholder: 'What is my CPC this week?' }),
        h('button', { type: 'submit' }, 'Ask')),
      h('div', { id: 'cx-answer' })),
    h('section', { id: 'cx-upload', 'aria-label': 'Add files' },
      h('button', { type: 'button', id: 'cx-add-files', onclick: addDropped }, 'Add to workspace'),
      h('p', { class: 'note', text: 'Uploads the files you dropped on this page to the workspace. Nothing is uploaded otherwise.' })));
}

async function signOut() {
  await call('POST', '/api/auth/logout');
  Object.assign(cs, { session: null, user: null, tenant: null, tenants: [], connection: null });
  paint();
}

// Connections: the integrations the server lists, or each provider's status.
async function refreshConnections() {
  const r = await call('GET', withTenant('/api/oauth/google/status'));
  const list = $('cx-conn-list');
  if (!list) return;
  list.replaceChildren();
  if (!r.ok) { list.append(h('li', { text: `Google: status unavailable (${r.status})` })); return; }
  const s = r.body;
  const reconnect = s.reconnect_required === true || s.status === 'reconnect_required';
  const state = !s.connected ? 'disconnected' : reconnect ? 'reconnect_required' : 'connected';
  const label = { disconnected: 'not connected', reconnect_required: 'reconnect required', connected: 'connected' }[state];
  list.append(h('li', { id: 'cx-conn-google', dataset: { state } },
    `Google: ${label}${s.account?.email ? ` (${s.account.email})` : ''}${s.connected_at ? ` · since ${s.connected_at}` : ''}`));
  if (s.connected) {
    cs.connection = s.connection_id;
    await showAccounts();
    await showSync();
  }
}

// The OAuth pop-up: the server gives the URL; its callback page posts the
// outcome to us (and closes itself). Status is polled too, in case the
// message never comes (the pop-up blocked from messaging, or closed by hand).
async function connect(provider) {
  const r = await call('GET', withTenant(`/api/oauth/${provider}/auth-url`));
  if (!r.ok) { say(r.body?.detail ?? `Could not start the connection (${r.status})`, true); return; }
  cs.popup = window.open(r.body.auth_url, 'glint-oauth', 'popup,width=520,height=640');
  say('Finish signing in in the pop-up…');
  for (let i = 0; i < 600; i++) {
    await new Promise((res) => setTimeout(res, 500));
    const st = await call('GET', withTenant(`/api/oauth/${provider}/status`));
    if (st.ok && st.body.connected) break;
    if (cs.popup && cs.popup.closed && i > 4) {
      const again = await call('GET', withTenant(`/api/oauth/${provider}/status`));
      if (!(again.ok && again.body.connected)) { say('The pop-up closed before the connection was made.', true); return; }
      break;
    }
  }
  if (cs.popup && !cs.popup.closed) cs.popup.close();
  say('Connected.');
  await refreshConnections();
}

function onOAuthMessage(ev) {
  if (ev.origin !== location.origin || ev.data?.source !== 'glint-oauth') return;
  say(ev.data.success ? `${ev.data.provider}: connected` : `${ev.data.provider}: ${ev.data.message}`, !ev.data.success);
}

async function showAccounts() {
  const box = $('cx-accounts');
  const r = await call('GET', withTenant('/api/oauth/google/ad-accounts'));
  if (!box || !r.ok) return;
  const accounts = r.body.regular_accounts ?? [];
  const form = h('form', { id: 'cx-link-form' }, h('h4', { text: 'Google Ads accounts' }),
    accounts.map((a) => h('label', { class: 'cx-account' },
      h('input', { type: 'checkbox', name: 'account', value: a.customer_id, checked: a.linked }),
      ` ${a.name} (${a.customer_id}, ${a.currency_code})${a.linked ? ' — linked' : ''}`)),
    h('button', { type: 'submit', id: 'cx-link' }, 'Link selected accounts'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const ids = [...form.querySelectorAll('input[name=account]:checked')].map((i) => i.value);
    const l = await call('POST', '/api/google/accounts/link', { tenant_id: cs.tenant.id, customer_ids: ids });
    say(l.ok ? `Linked ${ids.length} account(s).` : (l.body?.detail ?? `Linking failed (${l.status})`), !l.ok);
    if (l.ok) { await showAccounts(); await showSync(); }
  });
  box.replaceChildren(form);
  cs.linked = accounts.filter((a) => a.linked);
}

// Sync: start, follow the task, and show each account's freshness.
async function showSync(run = null) {
  const box = $('cx-sync');
  if (!box || !cs.connection) return;
  const r = await call('GET', withTenant(`/sync/status/${cs.connection}`));
  const cur = r.ok ? r.body.current : null;
  const p = cur?.progress;
  box.replaceChildren(
    h('button', { type: 'button', id: 'cx-sync-run', onclick: startSync, disabled: !(cs.linked?.length) }, 'Sync now'),
    h('p', { id: 'cx-sync-state', dataset: { status: cur?.status ?? 'none' } },
      cur ? `Sync ${cur.status}${p && p.slices_total ? ` · ${p.slices_done} of ${p.slices_total} slices` : ''} · ${cur.rows_written} rows${cur.message ? ` · ${cur.message}` : ''}` : 'Not synced yet.'),
    h('ul', { id: 'cx-freshness' }, (r.ok ? r.body.accounts ?? [] : []).map((a) => h('li', { dataset: { account: a.account_id, stale: a.stale } },
      `${a.name} (${a.account_id}): newest complete day ${a.newest_complete_day ?? '—'}, last sync ${a.last_success ?? '—'}${a.stale ? ' · stale' : ''}`))));
  if (run && cur && (cur.status === 'queued' || cur.status === 'running')) {
    setTimeout(() => showSync(run), 400);
  } else if (cur?.status === 'done') {
    if (run) say('Sync done.');
    await showData(r.body.accounts ?? []);
    await showBronze('summary');
  } else if (run && cur?.status === 'failed') {
    say(`Sync failed: ${cur.message || (cur.failures ?? []).map((f) => f.message ?? f).join('; ')}`, true);
  }
}

// The page's own views (tiles, chart, campaigns, highlights, controls,
// drill-down) over the workspace's data: core's answers from the server.
function openDashboard() {
  const tenant = cs.tenant;
  const remote = async (method, request) => {
    const r = await call('POST', '/api/report', { method, request, tenant_id: tenant.id });
    if (!r.ok) throw Object.assign(new Error(r.body?.detail ?? `the server answered ${r.status}`), { code: r.body?.code ?? 'http' });
    return r.body;
  };
  return cs.showWorkspace(remote, tenant.name);
}

async function startSync() {
  const r = await call('POST', `/sync/google/${cs.connection}`, { tenant_id: cs.tenant.id });
  say(r.ok ? 'Sync started.' : (r.body?.detail ?? `Sync failed to start (${r.status})`), !r.ok);
  if (r.ok) await showSync(r.body.task_id);
}

// The stored data's figures, as the server's performance route answers them.
async function showData(accounts) {
  const box = $('cx-kpis');
  if (!box) return;
  box.replaceChildren();
  for (const a of accounts) {
    const r = await call('GET', withTenant(`/advertising/accounts/${encodeURIComponent(a.account_id)}/performance?date_range=30_days`));
    if (!r.ok) continue;
    const t = r.body.totals;
    box.append(h('h4', { text: `${a.name} · ${r.body.start_date} – ${r.body.end_date}` }));
    for (const k of KPI_KEYS) {
      if (t[k] === null || t[k] === undefined || !fmt.METRICS[k]) continue;
      box.append(h('div', { class: 'kpi', dataset: { metric: k, value: t[k], account: a.account_id, start: r.body.start_date, end: r.body.end_date } },
        h('div', { class: 'kpi-label', text: fmt.METRICS[k].label ?? k }),
        h('div', { class: 'kpi-value', text: fmt.metric(k, t[k], r.body.currency) })));
    }
  }
}

// The engine's own highlights over the workspace's data (core's report.highlight).
async function showBronze(type) {
  const list = $('cx-bronze');
  if (!list) return;
  const r = await call('POST', withTenant('/api/bronze/highlight'), { highlight_type: type, date_range: '30_days' });
  list.replaceChildren(...(r.ok ? r.body.facts ?? [] : []).map((f) => h('li', {
    class: 'card', dataset: { fact: f.id, raw: f.raw_value, start: f.window?.start, end: f.window?.end },
    text: f.sentence ?? `${f.entity?.name ?? ''} ${f.metric}: ${f.value}${f.change ? `, ${f.change}` : ''}`, // core's own sentence
  })));
  if (!r.ok) list.append(h('li', { class: 'error', text: r.body?.detail ?? `Highlights unavailable (${r.status})` }));
}

// A written insight streams in; the last event says how it was calculated.
async function streamInsight(type) {
  const out = $('cx-insight');
  const text = h('p', { id: 'cx-insight-text', class: 'cx-streaming', dataset: { state: 'streaming' } });
  const how = h('details', { id: 'cx-how' }, h('summary', { text: 'How was this calculated' }));
  out.replaceChildren(text, how);
  let chunks = 0;
  try {
    await streamSse(withTenant(`/api/quick-insights/${type}/stream`), { date_range: '30_days' }, cs.session, (event, data) => {
      // A restart withdraws what was shown: the next provider writes it afresh.
      if (event === 'restart' || data.restart === true || data.type === 'restart') {
        text.textContent = '';
        chunks = 0;
        text.dataset.restarted = 'true';
        say(`The insight is being rewritten${data.reason ? ` (${data.reason})` : ''}.`);
        return;
      }
      if (event === 'error' || data.error) { text.dataset.state = 'error'; say(data.message ?? data.error ?? 'The insight failed.', true); return; }
      if (data.chunk) { text.textContent += data.chunk; text.dataset.chunks = String(++chunks); }
      if (data.done) {
        text.dataset.state = 'done';
        text.dataset.verified = String(data.verified === true);
        how.append(
          h('p', { id: 'cx-how-meta', text: `Verified: ${data.verified ? 'yes' : 'no'} · ${data.provider ?? '—'} ${data.model ?? ''}` }),
          h('ul', { id: 'cx-how-facts' }, (data.facts ?? []).map((f) => h('li', { dataset: { fact: f.id, raw: f.raw_value } },
            `${f.entity ?? ''} ${f.metric}: ${f.value}${f.previous_formatted ? ` (was ${f.previous_formatted})` : ''}${f.change ? `, ${f.change}` : ''} ${f.period ?? ''}`))),
          h('ul', { id: 'cx-how-sources' }, (data.sources ?? []).map((s) => h('li', { text: `${s.name ?? s.account_id} (${s.platform}): data to ${s.newest_complete_day ?? '—'}${s.stale ? ', stale' : ''}` }))));
      }
    });
  } catch (e) {
    text.dataset.state = 'error';
    say(`The insight failed: ${e.message}`, true);
  }
}

async function ask() {
  const q = $('cx-question').value.trim();
  if (!q) return;
  const box = $('cx-answer');
  box.replaceChildren(h('p', { text: 'Thinking…' }));
  const r = await call('POST', withTenant('/api/chat'), { message: q, conversation_id: cs.conversation ?? undefined });
  if (!r.ok) { box.replaceChildren(h('p', { class: 'error', text: r.body?.detail ?? `The copilot failed (${r.status})` })); return; }
  cs.conversation = r.body.conversation_id;
  box.replaceChildren(
    h('p', { id: 'cx-answer-text', text: r.body.answer ?? r.body.response ?? r.body.message ?? '' }),
    h('details', null, h('summary', { text: 'Tools and facts used' }),
      h('ul', { id: 'cx-answer-tools' }, (r.body.tool_calls ?? []).map((t) => h('li', { text: `${t.name ?? t.tool}: ${JSON.stringify(t.input ?? t.arguments ?? {})}` }))),
      h('ul', { id: 'cx-answer-facts' }, (r.body.facts ?? []).map((f) => h('li', { text: `${f.metric}: ${f.value} ${f.period ?? ''}` })))));
}

// The one place a dropped file leaves the browser: the user pressed the button.
async function addDropped() {
  const files = cs.droppedFiles().filter((f) => f instanceof Blob);
  if (files.length === 0) { say('Drop or choose a file on the page first.', true); return; }
  const form = new FormData();
  for (const f of files) form.append('file', f, f.name);
  const r = await api('POST', withTenant('/api/datasets'), form, cs.session);
  say(r.ok ? `Added ${files.length} file(s) to the workspace.` : (r.body?.detail ?? `Upload failed (${r.status})`), !r.ok);
}
