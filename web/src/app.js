// The page's main thread: takes the files a person drops or picks, hands them
// to the worker (which runs the wasm core) and renders what core computed.
// No arithmetic here: every number shown comes from a core response; this
// code only formats, orders and lays it out.
import { $, h, nextFrame } from './dom.js';
import { Engine } from './engine.js';
import * as fmt from './format.js';
import { renderKpis, renderTotals } from './views/kpis.js';
import { Highlights } from './views/highlights.js';
import { TrendChart, AD_VIEWS, WEB_VIEWS } from './views/chart.js';
import { CampaignTable, LEVEL_ONE } from './views/campaigns.js';
import { PeriodControls, periodLabel } from './views/period.js';
import { renderActions, renderReallocation, renderForecast, actionsCsv, reallocationCsv } from './views/plan.js';
import { fileItem, inputDetails } from './views/inputs.js';
import { funnelBlock, funnelFromCore, attributionBlock, profileBlock } from './views/tables.js';
import { loadSession, saveSession, forgetSession } from './session.js';
import { withBom } from './export/csv.js';
import { chartPng } from './export/png.js';
import { initConnected } from './connected/connected.js';
import { mark, timed, now, measureSince } from './perf.js';
import { warmFonts } from './fonts.js';

const engine = new Engine();
const state = {
  version: null,
  methods: {},
  entries: [], // {key, file, state, progress, handle, input, error, tables}
  days: 30,
  report: null,
  highlights: null,
  generation: 0,
  restored: false, // showing an analysis kept in this browser, without its files
  options: { days: 30 }, // the period, comparison and filters core is asked for (views/period.js)
  breakdown: null, // core's report.breakdown for the table (its level and parent in drill)
  drill: [], // the path drilled down: [{level, parent, label}]
  remote: null, // connected mode: (method, request) → core's answer over a workspace's stored data
};

// Core's answer for the views: the wasm core over the files here, or (in
// connected mode) the server's core over the workspace's data, same JSON.
function coreCall(method, request) {
  if (state.remote) return state.remote(method, request);
  const handles = state.entries.filter((e) => e.state === 'done').map((e) => e.handle);
  return engine.call(method, { handles, ...request });
}
let nextKey = 1;
const TABLE_METHODS = ['funnel', 'attribution', 'profile'];

const highlights = new Highlights($('highlight-tabs'), $('highlight-panel'));
const controls = new PeriodControls(() => {
  state.drill = [];
  working(refresh);
});
const chart = new TrendChart($('chart'), $('chart-legend'));
const campaigns = new CampaignTable({
  table: $('campaigns'), filter: $('campaign-filter'), platform: $('campaign-platform'), count: $('campaign-count'), more: $('campaigns-more'),
  busy: (painting) => working(() => painting),
});

// Work in flight (reading, analysing): exposed as body[data-busy] so a test
// or a script can tell when the page has settled.
let busy = 0;
async function working(fn) {
  busy++;
  document.body.dataset.busy = 'true';
  try {
    return await fn();
  } finally {
    if (--busy === 0) document.body.dataset.busy = 'false';
  }
}

function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

// ------------------------------------------------------------------ files

const paintQueued = new Set();
function paintFile(entry) {
  document.body.classList.toggle('has-data', state.entries.length > 0);
  const li = fileItem(entry, removeEntry, tablesOf(entry));
  const old = $('files').querySelector(`li[data-key="${entry.key}"]`);
  if (old) old.replaceWith(li);
  else $('files').append(li);
}
// Progress arrives per 4 MiB slice: repaint at most once a frame.
function schedulePaint(entry) {
  if (paintQueued.has(entry)) return;
  paintQueued.add(entry);
  requestAnimationFrame(() => { paintQueued.delete(entry); paintFile(entry); });
}

const UNREADABLE = new Set(['binary_input', 'empty_input']);

async function addFiles(list) {
  const files = [...list];
  if (files.length === 0) return;
  if (!(await engineReady)) return;
  // A restored analysis has no files behind it: new files start afresh.
  if (state.restored) {
    for (const e of [...state.entries]) dropEntry(e);
    setRestored(false);
  }
  const added = [];
  for (const file of files) {
    // The same file name again replaces the earlier copy (a fresh download).
    const old = state.entries.find((e) => e.file.name === file.name);
    if (old) dropEntry(old);
    const entry = { key: nextKey++, file, state: 'queued', progress: null, handle: null, input: null, error: null, tables: null };
    state.entries.push(entry);
    added.push(entry);
    paintFile(entry);
  }
  setStatus(files.length === 1 ? `Reading ${files[0].name}…` : `Reading ${files.length} files…`);
  for (const entry of added) {
    entry.state = 'reading';
    paintFile(entry);
    try {
      const r = await engine.ingest(entry.file, (p) => { entry.progress = p; schedulePaint(entry); });
      entry.handle = r.handle;
      entry.input = r.input;
      entry.state = 'done';
    } catch (e) {
      entry.state = 'error';
      entry.error = { code: e.code, message: e.message };
    }
    paintQueued.delete(entry);
    paintFile(entry);
  }
  await refresh();
  await loadTables(added);
  // A file that is no campaign report may still be a funnel, journeys or just a table.
  const failed = added.filter((e) => e.state === 'error' && !tablesOf(e).length);
  for (const e of added) if (e.state === 'error') paintFile(e);
  const stillShown = state.entries.some((e) => e.state === 'done') ? ' The other files are still analysed below.' : '';
  if (failed.length) setStatus(`${failed.map((e) => e.error.message).join(' · ')}.${stillShown}`.replace('..', '.'), true);
  else setStatus(readSummary());
}

const VIEW_NAMES = { funnel: 'Funnel', attribution: 'Attribution', profile: 'Column profile' };
function tablesOf(entry) {
  return TABLE_METHODS.filter((m) => entry.tables?.[m]?.result).map((m) => VIEW_NAMES[m]);
}

function readSummary() {
  const done = state.entries.filter((e) => e.state === 'done');
  const tableOnly = state.entries.filter((e) => e.state === 'error' && tablesOf(e).length);
  if (done.length === 0 && tableOnly.length === 0) return 'Ready. Choose or drop your exports.';
  const parts = [];
  if (done.length) parts.push(`Analysed ${done.map((e) => `${e.file.name} (${fmt.platformName(e.input.platform)}, ${fmt.integer(e.input.rows)} rows)`).join(', ')}.`);
  for (const e of tableOnly) parts.push(`${e.file.name}: shown as ${tablesOf(e).join(' and ').toLowerCase()}.`);
  return parts.join(' ');
}

function dropEntry(entry) {
  state.entries = state.entries.filter((e) => e !== entry);
  if (entry.handle) engine.call('ingest.drop', { handle: entry.handle }).catch(() => {});
  const li = $('files').querySelector(`li[data-key="${entry.key}"]`);
  if (li) li.remove();
  document.body.classList.toggle('has-data', state.entries.length > 0);
}

async function removeEntry(entry) {
  if (entry.state === 'reading' || entry.state === 'queued') return;
  dropEntry(entry);
  setStatus(`Removed ${entry.file.name}.`);
  await working(refresh);
  renderTableViews();
  if (state.entries.length === 0) $('file').focus();
}

// ------------------------------------------------------------------ analysis

async function refresh() {
  const handles = state.entries.filter((e) => e.state === 'done').map((e) => e.handle);
  const gen = ++state.generation;
  if (handles.length === 0 && !state.remote) {
    state.report = null;
    state.highlights = null;
    showReport(false);
    await keepSession();
    return;
  }
  try {
    const options = controls.options();
    state.options = options;
    const hl = state.remote ? await remoteHighlights(options) : await engine.highlights(handles, options, fmt.LOCALE);
    if (gen !== state.generation) return;
    state.highlights = hl;
    timed('render highlights', () => { paintHighlights(hl); showReport(true); });
    mark('highlights-shown');
    await nextFrame();
    const report = await coreCall('report.analyze', { ...options, full: true, locale: fmt.LOCALE });
    if (gen !== state.generation) return;
    fmt.setMinorUnits(report.format?.minor_units);
    state.report = report;
    timed('render controls', () => controls.setData(report));
    state.breakdown = await loadBreakdown(report);
    if (gen !== state.generation) return;
    if (!(await paintReport(report, () => gen !== state.generation))) return;
    await keepSession();
  } catch (e) {
    if (gen !== state.generation) return;
    setStatus(e.message, true);
  }
}

// The highlight tabs and what they cover, from core's highlights.
function paintHighlights(hl) {
  highlights.set(hl);
  const r = hl.summary.date_range;
  const w = hl.summary.web_date_range;
  const dp = hl.summary.declared_period;
  const none = state.options?.compare === 'none';
  $('highlights-range').textContent = r
    ? `${fmt.integer(r.days)} days, ${fmt.dateRange(r.start, r.end)}${none ? ', without a comparison' : `, against ${fmt.dateRange(r.previous_start, r.previous_end)}`}.` +
      (w ? ` Website: ${fmt.dateRange(w.start, w.end)}, against ${fmt.dateRange(w.previous_start, w.previous_end)}.` : '')
    : dp ? `No date on each row: the export's period is ${dp.whole ? 'all time' : dp.start ? fmt.dateRange(dp.start, dp.end) : 'not stated'}; campaigns are compared over it.` : '';
  // What the facts could not say, and why (coverage, undated export).
  const notes = [...new Set(Object.values(hl).flatMap((x) => x?.notes ?? []))];
  let notesEl = document.getElementById('highlights-notes');
  if (!notesEl) {
    notesEl = h('ul', { id: 'highlights-notes', class: 'notes muted small' });
    $('highlights-range').parentElement.after(notesEl);
  }
  notesEl.replaceChildren(...notes.map((n) => h('li', null, n)));
  notesEl.hidden = notes.length === 0;
}

// Every view of a report, one step per frame and in the page's order (each
// insertion's layout stays a short task, and nothing moves what is already
// shown above it); false when `stale()` says a newer analysis took over. A
// step may go on over later frames (the campaign table's rows): it is
// waited for.
async function paintReport(report, stale = () => false) {
  const a = report.analysis;
  const steps = [
    ['overview', () => renderOverview(report)],
    ['platforms', () => renderPlatforms(report)],
    ['chart', () => renderChart()],
    ['plan', () => renderPlan(report)],
    ...(a ? [['reallocation', () => renderReallocationView(a)], ['forecast', () => renderForecast($('forecast'), a.by_currency, a.assumptions?.forecast)]] : []),
    ['campaigns', () => renderCampaigns(report)],
    ['inputs', () => { renderInputs(); renderTableViews(); }],
  ];
  for (const [name, draw] of steps) {
    await timed(`render ${name}`, draw);
    await nextFrame();
    if (stale()) return false;
  }
  $('results').classList.remove('loading');
  mark('report-shown');
  return true;
}

// The report's sections. Shown: the overview (its tiles' placeholders until
// the report comes) and the highlights at once; every other section appears
// as paintReport draws it, below what is there already — so the first
// highlights cost one small layout, and each later step lays out only its
// own section. A section already on the page stays while it is redrawn.
const SECTIONS = ['overview', 'highlights', 'platforms-section', 'trend', 'plan', 'campaigns-section', 'inputs'];
function showReport(visible) {
  $('results').hidden = !visible && !hasTableViews();
  if (visible) for (const id of ['overview', 'highlights']) $(id).hidden = false;
  else for (const id of SECTIONS) $(id).hidden = true;
  if (visible && !state.report) $('results').classList.add('loading');
}

// The ads and web sections of a report: {ads, web}, each {periods, totals, by_platform, by_day, currencies} or null.
function sections(report) {
  const pick = (s) => ({ periods: s.periods, totals: s.totals, by_platform: s.by_platform, by_day: s.by_day, by_platform_day: s.by_platform_day ?? [], currencies: s.currencies ?? [], date_min: s.date_min, date_max: s.date_max });
  if (report.kind === 'web') return { ads: null, web: pick(report) };
  return { ads: pick(report), web: report.kind === 'mixed' && report.web ? pick(report.web) : null };
}

function renderOverview(report) {
  const { ads, web } = sections(report);
  const main = ads ?? web;
  const mainKind = ads ? 'ads' : 'web';
  const p = main.periods;
  $('period-label').textContent = periodLabel(p);
  const currencies = main.currencies.filter(Boolean);
  $('currency-note').hidden = currencies.length < 2;
  $('currency-note').textContent = currencies.length > 1 ? `These files report money in ${currencies.join(' and ')}: money is shown per currency and never added across currencies.` : '';
  if (p) renderKpis($('kpis'), p, mainKind, currencies);
  else renderTotals($('kpis'), main.totals, mainKind, currencies);
  $('web-kpis-wrap').hidden = !(ads && web);
  if (ads && web) {
    if (web.periods) renderKpis($('web-kpis'), web.periods, 'web', web.currencies.filter(Boolean));
    else renderTotals($('web-kpis'), web.totals, 'web', web.currencies.filter(Boolean));
  }
  $('period').hidden = !p;
  $('analyst-bar').hidden = !p && !(report.filter_values?.platforms?.length > 1);
}

function renderPlatforms(report) {
  const { ads, web } = sections(report);
  const main = ads ?? web;
  $('platforms-range').textContent = main.date_min ? `All dates in the files, ${fmt.dateRange(report.date_min ?? main.date_min, report.date_max ?? main.date_max)}: how the platforms compare.` : 'All rows: how the platforms compare.';
  const tables = [];
  if (ads) tables.push(platformTable(ads.by_platform, 'ads', ads.currencies));
  if (web) tables.push(platformTable(web.by_platform, 'web', web.currencies));
  $('platform-tables').replaceChildren(...tables);
  $('platforms-section').hidden = false;
}

const PLATFORM_METRICS = {
  ads: ['spend', 'conversion_value', 'roas', 'conversions', 'cpa', 'clicks', 'ctr', 'cpc', 'impressions'],
  web: ['sessions', 'engaged_sessions', 'engagement_rate', 'key_events', 'key_event_rate', 'revenue'],
};

function platformTable(rows, kind, currencies) {
  const multi = currencies.filter(Boolean).length > 1;
  const keys = PLATFORM_METRICS[kind].filter((k) => rows.some((r) => r[k] !== null && r[k] !== undefined));
  return h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': kind === 'web' ? 'Website by platform' : 'Ads by platform' }, h('table', { class: 'data', id: kind === 'web' ? 'web-platforms' : 'platforms' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, kind === 'web' ? 'Website' : 'Platform'),
      multi ? h('th', { scope: 'col' }, 'Currency') : null,
      keys.map((k) => h('th', { scope: 'col', class: 'num' }, fmt.METRICS[k].label)))),
    h('tbody', null, rows.map((r) => h('tr', { dataset: { platform: r.platform } },
      h('th', { scope: 'row' }, h('span', { class: `badge platform-${r.platform}` }, fmt.platformName(r.platform))),
      multi ? h('td', null, r.currency ?? '–') : null,
      keys.map((k) => h('td', { class: 'num', dataset: { key: k, value: r[k] } }, fmt.metric(k, r[k], r.currency))))))));
}

// ------------------------------------------------------------------ chart

function chartSources() {
  const { ads, web } = sections(state.report);
  const out = [];
  if (ads) out.push({ kind: 'ads', views: AD_VIEWS, section: ads });
  if (web) out.push({ kind: 'web', views: WEB_VIEWS, section: web });
  return out;
}

function renderChart() {
  const sources = chartSources().filter((s) => s.section.by_day.length > 0);
  $('trend').hidden = sources.length === 0;
  if (sources.length === 0) return;
  const select = $('trend-metric');
  const chosen = select.value;
  select.replaceChildren(...sources.map((s) => {
    const opts = s.views.map((v) => h('option', { value: `${s.kind}:${v.key}` }, v.label));
    return sources.length > 1 ? h('optgroup', { label: s.kind === 'web' ? 'Website' : 'Ads' }, opts) : opts;
  }).flat());
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  paintChart();
}

function paintChart() {
  const [kind, key] = $('trend-metric').value.split(':');
  const src = chartSources().find((s) => s.kind === kind && s.section.by_day.length > 0);
  if (!src) return;
  const view = src.views.find((v) => v.key === key);
  const currencies = [...new Set(src.section.by_day.map((r) => r.currency))];
  const cs = $('trend-currency');
  const multi = currencies.length > 1;
  cs.hidden = !multi;
  $('trend-currency-label').hidden = !multi;
  if (multi) {
    const was = cs.value;
    cs.replaceChildren(...currencies.map((c) => h('option', { value: c ?? '' }, c ?? 'not stated')));
    if (currencies.includes(was)) cs.value = was;
  }
  const currency = multi ? (cs.value || null) : currencies[0] ?? null;
  const p = src.section.periods;
  const byPlatform = $('trend-by-platform').checked;
  if (byPlatform) {
    const lines = platformLines(src.section.by_platform_day ?? [], view, currency);
    chart.render(lines.rows, lines.view, currency, p ? p.current : null);
  } else {
    const rows = src.section.by_day.filter((r) => r.currency === currency);
    chart.render(rows, view, currency, p ? p.current : null);
  }
  $('trend-note').textContent = p ? `Shaded: the last ${fmt.integer(p.days)} days (${fmt.dateRange(p.current.start, p.current.end)}). Hover or tap the chart to read a day.` : '';
}

// One line per platform: core's per-platform day sums of the view's first
// metric, laid out as one column per platform (no figure is computed here).
const PLATFORM_COLORS = ['#2f5bd3', '#1f845a', '#b4531a', '#7048c8', '#a3326d', '#5b6475'];
function platformLines(rows, view, currency) {
  const metric = view.series[0].m;
  const platforms = [...new Set(rows.filter((r) => r.currency === currency).map((r) => r.platform))];
  const byDate = new Map();
  for (const r of rows) {
    if (r.currency !== currency) continue;
    if (!byDate.has(r.date)) byDate.set(r.date, { date: r.date });
    byDate.get(r.date)[`platform:${r.platform}`] = r[metric];
  }
  const dates = [...byDate.keys()].sort();
  return {
    rows: dates.map((d) => byDate.get(d)),
    view: { key: `${view.key}:platforms`, label: view.label, series: platforms.map((pl, i) => ({ m: metric, key: `platform:${pl}`, label: `${fmt.platformName(pl)} · ${fmt.METRICS[metric].label}`, c: PLATFORM_COLORS[i % PLATFORM_COLORS.length] })) },
  };
}

// ------------------------------------------------------------------ tables

// The table's rows for the chosen period from core (report.breakdown): the
// campaigns (GA4: sources), or the level drilled into.
async function loadBreakdown(report) {
  const web = report.kind === 'web';
  const top = web ? 'source_medium' : 'campaign';
  const at = state.drill[state.drill.length - 1];
  const level = at ? at.level : top;
  const levels = web ? report.levels?.web ?? [] : report.levels?.ads ?? [];
  if (!levels.includes(level)) return null;
  try {
    return await coreCall('report.breakdown', { ...state.options, level, kind: web ? 'web' : 'ads', parent: at ? at.parent : null, limit: 5000, locale: fmt.LOCALE });
  } catch (e) {
    setStatus(e.message, true);
    return null;
  }
}

// A breakdown row as the table reads it: the period's figures, the row's
// name parts, its changes and the levels below it.
function tableRow(r, web) {
  return { ...r.current, platform: r.platform, currency: r.currency, label: r.label, change: r.change, children: r.children, key: r.key,
    campaign: r.key.campaign, campaign_id: r.key.campaign_id, account_id: r.key.account_id, source: r.key.source, medium: r.key.medium, kind: web ? 'web' : 'ads' };
}

async function drillTo(path) {
  state.drill = path;
  await working(async () => {
    state.breakdown = await loadBreakdown(state.report);
    renderCampaigns(state.report);
    await keepSession();
  });
  $('drill-path').querySelector('[aria-current]')?.focus();
}

function performerMap(analysis) {
  const map = new Map();
  for (const b of analysis?.by_currency ?? []) {
    for (const [list, mark] of [[b.performers?.top, 'top'], [b.performers?.bottom, 'bottom']]) {
      for (const x of list ?? []) map.set(`${x.platform}|${x.campaign_id ?? ''}|${x.campaign ?? ''}`, mark);
    }
  }
  return map;
}

// Resolves once every row of the table is drawn (views/campaigns.js).
function renderCampaigns(report) {
  const web = report.kind === 'web';
  const { ads, web: w } = sections(report);
  const main = ads ?? w;
  const b = state.breakdown;
  const at = state.drill[state.drill.length - 1];
  $('campaigns-section').hidden = false;
  $('campaigns-title').textContent = web ? 'Traffic sources' : 'Campaigns';
  $('campaigns').closest('.table-wrap').setAttribute('aria-label', web ? 'Traffic source table' : 'Campaign table');
  const perfNote = report.analysis?.assumptions?.performers;
  paintDrillPath(web);
  if (!b) {
    // No breakdown (a session kept before it existed, or undated levels): core's all-dates rows.
    const rows = web ? report.by_source ?? [] : report.by_campaign ?? [];
    $('campaigns-note').textContent = `All dates in the files${report.date_min ? `, ${fmt.dateRange(report.date_min, report.date_max)}` : ''}. ${!web && perfNote ? `Marked: the ${perfNote}.` : ''}`;
    return campaigns.set({ kind: web ? 'web' : 'ads', rows, totals: main.totals, currencies: main.currencies.filter(Boolean), performers: performerMap(report.analysis), performersNote: perfNote });
  }
  const p = b.period;
  const when = p ? `${fmt.dateRange(p.current.start, p.current.end)}${p.previous ? `, changes against ${fmt.dateRange(p.previous.start, p.previous.end)}` : ', no comparison'}` : 'All rows (no dates)';
  const level = b.level;
  $('campaigns-note').textContent = `${when}.${b.truncated ? ` The ${fmt.integer(b.rows.length)} largest of ${fmt.integer(b.total_rows)} rows.` : ''} ${b.notes.join(' ')} ${!web && level === 'campaign' && perfNote ? `Marked: the ${perfNote}.` : ''}`.trim();
  const top = !at;
  const totals = top ? (main.periods ? main.periods.current : main.totals) : at.totals ?? null;
  return campaigns.set({
    kind: web ? 'web' : 'ads',
    level,
    levelLabel: LEVEL_ONE[level],
    rows: b.rows.map((r) => tableRow(r, web)),
    totals,
    totalsChange: top && main.periods ? main.periods.change : at?.change ?? null,
    currencies: main.currencies.filter(Boolean),
    performers: level === 'campaign' ? performerMap(report.analysis) : new Map(),
    performersNote: perfNote,
    onDrill: state.restored ? null : (row, childLevel) => {
      const parent = { ...row.key };
      drillTo([...state.drill, { level: childLevel, parent, label: row.label || '(not set)', from: level, totals: rowTotals(row), change: row.change }]);
    },
  });
}

// A table row's own figures (the footer when drilled into it).
function rowTotals(row) {
  const out = {};
  for (const [k, v] of Object.entries(row)) if (typeof v === 'number' || v === null) out[k] = v;
  return out;
}

// Breadcrumbs: Campaigns › Brand › Ad groups; each step goes back up.
function paintDrillPath(web) {
  const nav = $('drill-path');
  if (state.drill.length === 0) {
    nav.hidden = true;
    nav.replaceChildren();
    return;
  }
  const steps = [h('button', { type: 'button', class: 'crumb', onclick: () => drillTo([]) }, web ? 'All sources' : 'All campaigns')];
  state.drill.forEach((d, i) => {
    const last = i === state.drill.length - 1;
    steps.push(h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '›'));
    steps.push(last
      ? h('span', { class: 'crumb current', 'aria-current': 'location', tabindex: '-1' }, `${d.label}: ${(LEVEL_ONE[d.level] ?? d.level).toLowerCase()}s`)
      : h('button', { type: 'button', class: 'crumb', onclick: () => drillTo(state.drill.slice(0, i + 1)) }, d.label));
  });
  nav.replaceChildren(...steps);
  nav.hidden = false;
}

// The action plan; the reallocation and the forecast are the next steps.
function renderPlan(report) {
  const a = report.analysis;
  $('plan').hidden = !a;
  if (!a) return;
  renderActions($('actions'), a.action_plan);
}

function renderReallocationView(a) {
  const hasAds = (a.by_currency ?? []).length > 0;
  $('realloc-wrap').hidden = !hasAds;
  if (hasAds) renderReallocation($('realloc'), a.by_currency, a.assumptions?.reallocation);
}

function renderInputs() {
  $('inputs').hidden = false;
  const done = state.entries.filter((e) => e.input);
  // Files overlapping on the same campaigns and days, and files the period comparison leaves out.
  const r = state.report;
  const overlaps = (r?.overlaps ?? []).map((o) => h('li', { class: 'overlap' },
    `${o.dropped} and ${o.kept} hold the same ${fmt.integer(o.campaigns)} campaign${o.campaigns === 1 ? '' : 's'} on ${fmt.integer(o.days)} days (${fmt.dateRange(o.first, o.last)}): ${o.counted_once ? `counted once, from ${o.kept}` : 'both counted'}.`));
  const coverage = [r?.periods, r?.web?.periods].flatMap((p) => p?.coverage?.sources ?? []).filter((s) => !s.compared && s.note)
    .map((s) => h('li', { class: 'coverage' }, `Partial: ${s.note}; changes are computed without it.`));
  const notes = [...overlaps, ...coverage];
  $('input-details').replaceChildren(...(notes.length ? [h('ul', { class: 'notes small' }, notes)] : []),
    ...done.map((e, i) => inputDetails(e.input, done.length === 1 && i === 0 && (e.input.diagnostics_total > 0 || e.input.excluded_total > 0))));
}

// ------------------------------------------------------------------ funnel, attribution, profile


async function loadTables(entries) {
  const methods = TABLE_METHODS.filter((m) => state.methods[m]);
  if (methods.length === 0) return;
  for (const entry of entries) {
    if (!state.entries.includes(entry)) continue;
    if (entry.state === 'error' && UNREADABLE.has(entry.error.code)) continue;
    try {
      entry.tables = await engine.tables(entry.file, methods);
    } catch {
      entry.tables = null;
    }
  }
  timed('render tables', () => renderTableViews());
  if (hasTableViews()) $('results').hidden = false;
  await keepSession();
}

function tableResults(method) {
  return state.entries.filter((e) => e.tables?.[method]?.result).map((e) => ({ entry: e, name: e.file.name, res: e.tables[method].result }));
}

// A person named the funnel's steps: ask core again with them.
async function setFunnelSteps(entry, steps) {
  try {
    const r = await engine.tables(entry.file, ['funnel'], steps);
    if (r.funnel?.result) entry.tables.funnel = r.funnel;
    else entry.tables.funnel = { ...entry.tables.funnel, stepsError: r.funnel?.error?.message ?? 'The funnel could not be computed.' };
  } catch (e) {
    entry.tables.funnel = { ...entry.tables.funnel, stepsError: e.message };
  }
  renderTableViews();
}

function hasTableViews() {
  return TABLE_METHODS.some((m) => tableResults(m).length > 0);
}

function skippedNote(method) {
  const big = state.entries.filter((e) => e.tables?.[method]?.skipped === 'too_large');
  return big.length ? `Not computed for ${big.map((e) => e.file.name).join(', ')}: files over ${fmt.bytes(big[0].tables[method].limit)} are analysed in streaming mode only.` : '';
}

function renderTableViews() {
  // Funnel: core's funnel per file, and the ads-to-website journey of a mixed report.
  const funnels = tableResults('funnel').map(({ entry, name }) => funnelFromCore(name, entry.tables.funnel, (steps) => working(() => setFunnelSteps(entry, steps))));
  const journey = state.report?.analysis?.web_journey;
  if (journey && journey.steps?.length) funnels.unshift(funnelBlock('From ad click to key event (all files)', journey.steps, journey.overall_conversion));
  $('funnel').hidden = funnels.length === 0;
  $('funnel-body').replaceChildren(...funnels);
  $('funnel-note').textContent = skippedNote('funnel');

  const attributions = tableResults('attribution');
  $('attribution').hidden = attributions.length === 0;
  $('attribution-body').replaceChildren(...attributions.map(({ name, res }) => attributionBlock(name, res)));
  $('attribution-note').textContent = attributions.length ? 'How each model shares the conversions (and revenue) among the channels people touched on the way.' : '';

  const profiles = tableResults('profile');
  $('profile').hidden = profiles.length === 0;
  $('profile-body').replaceChildren(...profiles.map(({ name, res }) => h('details', { class: 'input', open: profiles.length === 1 || null },
    h('summary', null, h('span', { class: 'file-name' }, name), h('span', { class: 'muted' }, `${fmt.integer(res.table.columns)} columns, ${fmt.integer(res.table.rows)} rows`),
      res.alerts?.length ? h('span', { class: 'pill warn' }, `${fmt.integer(res.alerts.length)} alert${res.alerts.length === 1 ? '' : 's'}`) : h('span', { class: 'pill ok' }, 'no alerts')),
    profileBlock(name, res))));
  $('profile-note').textContent = [profiles.length ? 'What each column holds: types, missing and distinct values, ranges, the most frequent values, and what looks wrong.' : '', skippedNote('profile')].join(' ').trim();
}

// ------------------------------------------------------------------ export

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

const stamp = () => state.report?.date_max ?? state.report?.web?.date_max ?? 'data';

function exportJson() {
  if (!state.report) return;
  const doc = {
    generator: `glint ${state.version} (WebAssembly, in the browser)`,
    days: state.days,
    files: state.entries.map((e) => ({ name: e.file.name, bytes: e.file.size, input: e.input, error: e.error, ...(e.tables ? { tables: e.tables } : {}) })),
    report: state.report,
    highlights: state.highlights,
  };
  download(`glint-report-${stamp()}.json`, 'application/json', `${JSON.stringify(doc, null, 2)}\n`);
}

function dailyCsv() {
  const out = [];
  for (const src of chartSources()) {
    const keys = src.kind === 'web' ? fmt.WEB_METRICS : fmt.AD_METRICS;
    const used = keys.filter((k) => src.section.by_day.some((r) => r[k] !== null && r[k] !== undefined));
    out.push(fmt.csv(['date', 'currency', ...used], src.section.by_day.map((r) => [r.date, r.currency ?? '', ...used.map((k) => r[k])])));
  }
  return out.join('\r\n');
}

function platformsCsv() {
  const rows = [];
  const { ads, web } = sections(state.report);
  const keys = [...fmt.AD_METRICS, ...fmt.WEB_METRICS].filter((k) => [...(ads?.by_platform ?? []), ...(web?.by_platform ?? [])].some((r) => r[k] !== null && r[k] !== undefined));
  for (const r of [...(ads?.by_platform ?? []), ...(web?.by_platform ?? [])]) rows.push([r.platform, r.currency ?? '', ...keys.map((k) => r[k])]);
  return fmt.csv(['platform', 'currency', ...keys], rows);
}

const CSV = {
  campaigns: () => [`glint-${state.report.kind === 'web' ? 'sources' : 'campaigns'}-${stamp()}.csv`, campaigns.csv()],
  platforms: () => [`glint-platforms-${stamp()}.csv`, platformsCsv()],
  daily: () => [`glint-daily-${stamp()}.csv`, dailyCsv()],
  actions: () => [`glint-action-plan-${stamp()}.csv`, actionsCsv(state.report.analysis?.action_plan)],
  reallocation: () => [`glint-budget-reallocation-${stamp()}.csv`, reallocationCsv(state.report.analysis?.by_currency)],
};

// The trend chart as a PNG: uPlot's canvas with the chart's title and legend.
async function exportChartPng() {
  const canvas = $('chart').querySelector('canvas');
  if (!canvas) return;
  const select = $('trend-metric');
  const legend = [...$('chart-legend').querySelectorAll('.legend-item[aria-pressed=true]')].map((b) => ({
    color: b.querySelector('.swatch').style.background, label: b.querySelector('.legend-label').textContent, value: b.querySelector('.legend-value').textContent,
  }));
  const day = $('chart-legend').querySelector('.legend-date')?.textContent;
  try {
    const blob = await chartPng(canvas, {
      title: `Daily trend: ${select.selectedOptions[0]?.textContent ?? ''}`,
      subtitle: $('trend-note').textContent.replace(/ Hover or tap.*$/, ''),
      legend: [...(day ? [{ label: day }] : []), ...legend],
    });
    download(`glint-trend-${stamp()}.png`, 'image/png', blob);
  } catch (e) {
    setStatus(e.message, true);
  }
}

// ------------------------------------------------------------------ session

// The analysis as rendered (core's responses and the files' descriptions) is
// kept in this browser for the next visit; the files only when asked.
async function keepSession() {
  if (state.restored || state.remote) return; // a workspace's data is the server's, not kept here
  const start = now();
  try {
    await saveOrForget();
  } finally {
    measureSince('session save', start);
  }
}

async function saveOrForget() {
  if (!state.report && !hasTableViews()) {
    await forgetSession();
    $('session-bar').hidden = true;
    return;
  }
  const keepFiles = $('keep-files').checked;
  const saved = await saveSession({
    days: state.days,
    controls: controls.get(),
    options: state.options,
    breakdown: state.breakdown,
    drill: state.drill,
    files: state.entries.map((e) => ({ name: e.file.name, bytes: e.file.size, input: e.input, error: e.error, tables: e.tables })),
    report: state.report,
    highlights: state.highlights,
    keep_files: keepFiles,
    blobs: keepFiles ? state.entries.map((e) => e.file) : [],
  });
  if (saved) showSessionNote(`Kept in this browser for your next visit${keepFiles ? ', with the files' : ''} (${new Date().toLocaleString(fmt.LOCALE)}).`);
}

function showSessionNote(text) {
  $('session-note').textContent = text;
  $('session-bar').hidden = false;
}

function setRestored(on) {
  state.restored = on;
  document.body.classList.toggle('restored', on);
  // Without the files core cannot answer again: the period switch needs it.
  $('period').disabled = on;
  controls.setDisabled(on);
  $('period').title = on ? 'Choose the files again to analyse another period.' : '';
}

async function restoreSession() {
  const s = await loadSession();
  if (!s || (!s.report && !(s.files ?? []).some((f) => f.tables))) return;
  const when = new Date(s.saved_at).toLocaleString(fmt.LOCALE);
  state.days = s.days ?? 30;
  const radio = document.getElementById(`days-${state.days}`);
  if (radio) radio.checked = true;
  controls.set(s.controls);
  if (s.keep_files && s.blobs?.length) {
    $('keep-files').checked = true;
    showSessionNote(`Restored from this browser (${when}): the kept files are read again.`);
    await addFiles(s.blobs);
    showSessionNote(`Restored from this browser (${when}): the kept files were read again.`);
    return;
  }
  state.entries = (s.files ?? []).map((f) => ({ key: nextKey++, file: { name: f.name, size: f.bytes }, state: f.error ? 'error' : 'done', progress: null, handle: null, input: f.input, error: f.error, tables: f.tables ?? null }));
  for (const e of state.entries) paintFile(e);
  setRestored(true);
  showSessionNote(`Restored from this browser (${when}). The files were not kept, so the period switch and the funnel steps are off: choose the files again to analyse anew.`);
  state.highlights = s.highlights;
  state.report = s.report;
  state.options = s.options ?? { days: state.days };
  state.breakdown = s.breakdown ?? null;
  state.drill = s.drill ?? [];
  if (s.report) {
    controls.setData(s.report);
    fmt.setMinorUnits(s.report.format?.minor_units);
    if (s.highlights) paintHighlights(s.highlights);
    showReport(true);
    await paintReport(s.report);
  } else {
    renderTableViews();
    $('results').hidden = false;
  }
  setStatus(readSummary());
}

// Forget: the stored session and the analysis on the page.
async function forgetAll() {
  await forgetSession();
  $('keep-files').checked = false;
  $('session-bar').hidden = true;
  for (const e of [...state.entries]) dropEntry(e);
  setRestored(false);
  await refresh();
  renderTableViews();
  setStatus('Forgotten: nothing of this analysis is kept in this browser. Choose or drop your exports.');
}

// ------------------------------------------------------------------ wiring

$('file').addEventListener('change', (event) => {
  mark('files-chosen');
  const files = [...event.target.files];
  event.target.value = '';
  working(() => addFiles(files));
});

let dragDepth = 0;
const hasFiles = (ev) => ev.dataTransfer && [...ev.dataTransfer.types].includes('Files');
document.addEventListener('dragenter', (ev) => {
  if (!hasFiles(ev)) return;
  ev.preventDefault();
  dragDepth++;
  $('drop-overlay').hidden = false;
});
document.addEventListener('dragover', (ev) => { if (hasFiles(ev)) ev.preventDefault(); });
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) $('drop-overlay').hidden = true;
});
document.addEventListener('drop', (ev) => {
  if (!hasFiles(ev)) return;
  ev.preventDefault();
  dragDepth = 0;
  $('drop-overlay').hidden = true;
  mark('files-chosen');
  const files = [...ev.dataTransfer.files];
  working(() => addFiles(files));
});

$('period').addEventListener('change', (ev) => {
  state.days = Number(ev.target.value);
  controls.setDays(state.days);
  state.drill = [];
  working(refresh);
});
$('trend-by-platform').addEventListener('change', paintChart);
$('trend-metric').addEventListener('change', paintChart);
$('trend-currency').addEventListener('change', paintChart);
$('export-json').addEventListener('click', exportJson);
$('print-report').addEventListener('click', () => window.print());
$('chart-png').addEventListener('click', exportChartPng);
$('keep-files').addEventListener('change', () => { if (!state.restored) keepSession(); });
$('session-forget').addEventListener('click', () => working(forgetAll));
for (const b of document.querySelectorAll('[data-csv]')) {
  b.setAttribute('aria-label', `Download ${b.dataset.csv === 'actions' ? 'the action plan' : b.dataset.csv === 'reallocation' ? 'the budget reallocation' : `the ${b.dataset.csv} table`} as CSV`);
  b.addEventListener('click', () => {
    if (!state.report) return;
    const [name, text] = CSV[b.dataset.csv]();
    // The byte-order mark tells Excel the file is UTF-8.
    download(name, 'text/csv;charset=utf-8', withBom(text));
  });
}

// While the page waits for a file, the engine compiles core's paths and the
// browser finds its fonts (worker.js warmUp, fonts.js): the first drop no
// longer pays for either. `glint:warm` marks both done (tests/bench/page_bench.mjs).
mark('warmup-asked');
const fontsWarmed = warmFonts().then(() => mark('fonts-warm'));

// Resolves true once the engine has loaded (files chosen earlier wait for it).
const engineReady = engine.version().then(
  (v) => {
    state.version = v.version;
    state.methods = v.methods ?? {};
    document.documentElement.dataset.methods = Object.entries(state.methods).filter(([, on]) => on).map(([m]) => m).join(' ');
    $('version').textContent = `glint ${v.version} · the engine runs in this page (WebAssembly) · no data leaves your computer`;
    setStatus('Ready. Choose or drop your exports.');
    working(restoreSession);
    if (busy === 0) document.body.dataset.busy = 'false';
    return true;
  },
  (e) => {
    setStatus(`The engine failed to load: ${e.message}`, true);
    document.body.dataset.busy = 'false';
    return false;
  },
);

// Not "busy": the page waits for nothing, and a file chosen meanwhile goes first.
const engineWarmed = engineReady.then((ok) => (ok ? engine.warmUp().catch(() => {}) : null));
Promise.all([engineWarmed, fontsWarmed]).then(() => mark('warm'));

// Connected mode appears only when a glint server serves the page; it sees the
// dropped files only to upload them when the user presses "Add to workspace".
initConnected({ droppedFiles: () => state.entries.map((e) => e.file), showWorkspace });

// The four highlight types from the server's core (connected mode).
async function remoteHighlights(options) {
  const out = {};
  for (const t of ['summary', 'grow', 'optimize', 'protect']) {
    out[t] = await state.remote('report.highlight', { ...options, highlight_type: t, max_facts: 5, locale: fmt.LOCALE });
  }
  return out;
}

// Connected mode hands the views a workspace (`remote`, its name) or gives
// them back to the files dropped here (null). The same views, controls and
// drill-down; nothing of the workspace is kept in this browser.
function showWorkspace(remote, name = '') {
  state.remote = remote;
  state.drill = [];
  document.body.classList.toggle('workspace-view', Boolean(remote));
  $('results').hidden = false;
  setStatus(remote ? `Showing the workspace ${name ? `“${name}” ` : ''}(its stored and synced data, computed by the server's glint).` : readSummary());
  return working(refresh);
}
