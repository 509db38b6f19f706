// The campaign table (or the traffic-source table of GA4 files): every
// canonical metric the data has, sortable by any column, filterable by name
// and platform, top and bottom performers marked. Sorting orders core's rows
// by core's values; the cells are core's numbers, formatted.
import { h, nextFrame } from '../dom.js';
import * as fmt from '../format.js';

// Rows drawn at first (in the current order); the rest on request.
const ROW_LIMIT = 50;
// Rows are added to the table a batch per frame, so no batch's layout and
// paint make a long task (they grow with what is added, not with what is
// there: appending is cheap, a whole table at once is not — 50 rows were a
// 100-400 ms task). The first batch is this many rows (a table that short is
// drawn at once); then a batch doubles while frames come quickly and halves
// when they do not, so "Show all" of thousands does not take a frame a row.
const FIRST_ROWS = 10;
const MIN_ROWS = 5;
const MAX_ROWS = 200;
// The change columns (against the comparison period), when core gives changes.
const CHANGE_METRICS = { ads: ['spend', 'conversions', 'cpa', 'roas', 'clicks'], web: ['sessions', 'key_events', 'engagement_rate', 'revenue'] };
const LOWER_IS_BETTER = new Set(['cpa', 'cpc', 'cpm']);
const present = (v) => v !== null && v !== undefined;

export const LEVEL_NAMES = {
  platform: 'Platforms', account: 'Accounts', campaign: 'Campaigns', ad_group: 'Ad groups', ad: 'Ads', keyword: 'Keywords',
  search_term: 'Search terms', source_medium: 'Sources', landing_page: 'Pages', device: 'Devices',
};
export const LEVEL_ONE = {
  platform: 'Platform', account: 'Account', campaign: 'Campaign', ad_group: 'Ad group', ad: 'Ad', keyword: 'Keyword',
  search_term: 'Search term', source_medium: 'Source / medium', landing_page: 'Landing page', device: 'Device',
};

export class CampaignTable {
  // busy(promise): told of the rows still being added (the page shows it as body[data-busy]).
  constructor({ table, filter, platform, count, more, busy = null }) {
    this.table = table;
    this.busy = busy;
    this.painting = Promise.resolve();
    this.paints = 0;
    this.filterEl = filter;
    this.platformEl = platform;
    this.countEl = count;
    this.moreEl = more;
    this.sort = null; // {key, dir: 1 | -1}
    this.showAll = false;
    filter.addEventListener('input', () => { this.showAll = false; this.paintBody(); });
    platform.addEventListener('change', () => { this.showAll = false; this.paintBody(); });
    more.addEventListener('click', () => { this.showAll = true; this.paintBody(); });
  }

  // spec: {kind: 'ads' | 'web', rows, totals, currencies, performers: Map key → 'top' | 'bottom', performersNote,
  //        level ('campaign', 'ad_group', …; rows then carry label, change and children), levelLabel, onDrill(row, level)}
  // Resolves once every row is on the page.
  set(spec) {
    this.spec = spec;
    const metricKeys = spec.kind === 'web' ? fmt.WEB_METRICS : fmt.AD_METRICS;
    this.metrics = metricKeys.filter((k) => spec.rows.some((r) => present(r[k])) || present(spec.totals?.[k]));
    this.changes = (CHANGE_METRICS[spec.kind] ?? []).filter((k) => this.metrics.includes(k) && spec.rows.some((r) => r.change && present(r.change[k])));
    this.multiCurrency = spec.currencies.length > 1;
    this.nameKey = spec.kind === 'web' ? 'source' : 'campaign';
    const platforms = [...new Set(spec.rows.map((r) => r.platform))];
    const chosen = this.platformEl.value;
    this.platformEl.replaceChildren(h('option', { value: '' }, 'All'),
      ...platforms.map((p) => h('option', { value: p, selected: p === chosen }, fmt.platformName(p))));
    if (!platforms.includes(chosen)) this.platformEl.value = '';
    this.platformEl.disabled = platforms.length < 2;
    if (this.sort && this.sort.key !== 'name' && !this.metrics.includes(this.sort.key)) this.sort = null;
    this.paintHead();
    this.paintFoot();
    return this.paintBody();
  }

  name(r) {
    if (r.label !== undefined) return r.label || '(not set)';
    return this.spec.kind === 'web' ? `${r.source} / ${r.medium}` : r.campaign || r.campaign_id || '(no name)';
  }

  columns() {
    return [
      { key: 'name', label: this.spec.levelLabel ?? (this.spec.kind === 'web' ? 'Source / medium' : 'Campaign'), text: true },
      { key: 'platform', label: 'Platform', text: true },
      ...(this.multiCurrency ? [{ key: 'currency', label: 'Currency', text: true }] : []),
      ...this.metrics.map((k) => ({ key: k, label: fmt.METRICS[k].label, title: fmt.METRICS[k].title ?? fmt.METRICS[k].note })),
      ...this.changes.map((k) => ({ key: `change:${k}`, label: `${fmt.METRICS[k].label} change`, title: `${fmt.METRICS[k].label}: change against the comparison period` })),
    ];
  }

  paintHead() {
    const cols = this.columns();
    const tr = h('tr', null, cols.map((c) => {
      const sorted = this.sort && this.sort.key === c.key;
      return h('th', {
        scope: 'col', class: c.text ? null : 'num',
        'aria-sort': sorted ? (this.sort.dir > 0 ? 'ascending' : 'descending') : null,
        dataset: { key: c.key },
      }, h('button', { type: 'button', class: 'sort', title: c.title ? `${c.title}. Sort` : 'Sort', onclick: () => this.toggleSort(c) },
        c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, sorted ? (this.sort.dir > 0 ? '↑' : '↓') : '↕')));
    }));
    this.table.tHead.replaceChildren(tr);
  }

  toggleSort(c) {
    if (this.sort && this.sort.key === c.key) this.sort = { key: c.key, dir: -this.sort.dir };
    else this.sort = { key: c.key, dir: c.text ? 1 : -1 };
    this.paintHead();
    this.paintBody();
    const btn = this.table.tHead.querySelector(`th[data-key="${c.key}"] button`);
    if (btn) btn.focus();
  }

  visibleRows() {
    const q = this.filterEl.value.trim().toLowerCase();
    const p = this.platformEl.value;
    let rows = this.spec.rows.filter((r) => (!p || r.platform === p) && (!q || this.name(r).toLowerCase().includes(q)));
    if (this.sort) {
      const { key, dir } = this.sort;
      const val = (r) => (key === 'name' ? this.name(r) : key === 'platform' ? fmt.platformName(r.platform)
        : key.startsWith('change:') ? r.change?.[key.slice(7)] : r[key]);
      rows = rows.slice().sort((a, b) => {
        const x = val(a), y = val(b);
        if (!present(x) && !present(y)) return 0;
        if (!present(x)) return 1; // nulls last either way
        if (!present(y)) return -1;
        if (typeof x === 'string') return dir * x.localeCompare(y, 'en', { numeric: true, sensitivity: 'base' });
        return dir * (x < y ? -1 : x > y ? 1 : 0);
      });
    }
    return rows;
  }

  performer(r) {
    return this.spec.performers.get(`${r.platform}|${r.campaign_id ?? ''}|${r.campaign ?? ''}`) ?? null;
  }

  row(r) {
    const perf = this.spec.kind === 'ads' ? this.performer(r) : null;
    const currency = r.currency ?? null;
    return h('tr', { class: perf ? `perf-${perf}` : null, dataset: { platform: r.platform, id: r.campaign_id ?? null } },
      h('th', { scope: 'row', class: 'name', dataset: { key: 'name' } },
        h('span', { class: 'name-text' }, this.name(r)),
        perf ? h('span', { class: `perf perf-${perf}`, title: this.spec.performersNote ?? null }, perf === 'top' ? 'Top performer' : 'Bottom performer') : null,
        this.drillButtons(r)),
      h('td', { dataset: { key: 'platform' } }, h('span', { class: `badge platform-${r.platform}` }, fmt.platformName(r.platform))),
      this.multiCurrency ? h('td', { dataset: { key: 'currency' } }, currency ?? '–') : null,
      this.metrics.map((k) => h('td', { class: 'num', dataset: { key: k, value: present(r[k]) ? r[k] : null } }, fmt.metric(k, r[k], currency))),
      this.changes.map((k) => this.changeCell(k, r.change?.[k])));
  }

  // ▲/▼ with the figure in words: colour is never the only carrier.
  changeCell(k, v) {
    if (!present(v)) return h('td', { class: 'num change', dataset: { key: `change:${k}`, value: null } }, fmt.changeFraction(v));
    const better = v === 0 ? null : (v > 0) !== LOWER_IS_BETTER.has(k);
    return h('td', { class: `num change ${better === null ? '' : better ? 'good' : 'bad'}`, dataset: { key: `change:${k}`, value: v } },
      h('span', { 'aria-hidden': 'true' }, v > 0 ? '▲ ' : v < 0 ? '▼ ' : ''), fmt.changeFraction(v));
  }

  // "Ad groups ›" (and the other levels below) for a row core says has them.
  drillButtons(r) {
    if (!this.spec.onDrill || !(r.children ?? []).length) return null;
    return h('span', { class: 'drill' }, r.children.map((level) => h('button', {
      type: 'button', class: 'drill-button', dataset: { level },
      'aria-label': `${LEVEL_NAMES[level] ?? level} of ${this.name(r)}`,
      onclick: () => this.spec.onDrill(r, level),
    }, `${LEVEL_NAMES[level] ?? level} ›`)));
  }

  // The first batch of rows now, the others one batch a frame; resolves when
  // all are there (or a newer paint took over).
  paintBody() {
    const rows = this.visibleRows();
    this.shown = rows;
    const limited = this.showAll ? rows : rows.slice(0, ROW_LIMIT);
    const paint = ++this.paints;
    this.table.tBodies[0].replaceChildren(...limited.slice(0, FIRST_ROWS).map((r) => this.row(r)));
    this.painting = limited.length > FIRST_ROWS ? this.paintRest(limited, paint) : Promise.resolve();
    if (this.busy && limited.length > FIRST_ROWS) this.busy(this.painting);
    const noun = this.spec.kind === 'web' ? 'sources' : 'campaigns';
    const shown = limited.length < rows.length ? `, the first ${fmt.integer(limited.length)} shown` : '';
    this.countEl.textContent = rows.length === this.spec.rows.length
      ? `${fmt.integer(rows.length)} ${noun}${shown}`
      : `${fmt.integer(rows.length)} of ${fmt.integer(this.spec.rows.length)} ${noun} match${shown}`;
    this.moreEl.hidden = limited.length === rows.length;
    this.moreEl.textContent = `Show all ${fmt.integer(rows.length)} ${noun}`;
    return this.painting;
  }

  async paintRest(rows, paint) {
    let batch = FIRST_ROWS;
    let last = performance.now();
    for (let i = FIRST_ROWS; i < rows.length; i += batch) {
      await nextFrame();
      if (paint !== this.paints) return;
      // The time since the last batch: its layout and paint, and the wait for
      // the next frame (~17 ms). Doubling only when that is about all keeps a
      // batch's cost under a frame.
      const now = performance.now();
      if (now - last < 22) batch = Math.min(batch * 2, MAX_ROWS);
      else if (now - last > 45) batch = Math.max(batch >> 1, MIN_ROWS);
      last = now;
      this.table.tBodies[0].append(...rows.slice(i, i + batch).map((r) => this.row(r)));
    }
  }

  paintFoot() {
    const t = this.spec.totals;
    if (!t) {
      this.table.tFoot.replaceChildren();
      return;
    }
    const single = this.spec.currencies.length === 1 ? this.spec.currencies[0] : null;
    this.table.tFoot.replaceChildren(h('tr', null,
      h('th', { scope: 'row', class: 'name', dataset: { key: 'name' } }, h('span', { class: 'name-text' }, 'Total')),
      h('td', { dataset: { key: 'platform' } }, ''),
      this.multiCurrency ? h('td', { dataset: { key: 'currency' } }, 'mixed') : null,
      this.metrics.map((k) => h('td', { class: 'num', dataset: { key: k, value: present(t[k]) ? t[k] : null } }, fmt.metric(k, t[k], single))),
      this.changes.map((k) => this.changeCell(k, this.spec.totalsChange?.[k]))));
  }

  // The rows as shown (filter and order), every metric as a raw value.
  csv() {
    const level = this.spec.level ?? (this.spec.kind === 'web' ? 'source_medium' : 'campaign');
    const cols = level === 'source_medium' ? ['source', 'medium'] : level === 'campaign' ? ['campaign', 'campaign_id', 'account_id'] : [level];
    const header = [...cols, 'platform', 'currency', ...this.metrics, ...this.changes.map((k) => `${k}_change`), ...(this.spec.kind === 'ads' ? ['performer'] : [])];
    const rows = this.shown.map((r) => [...cols.map((c) => (cols.length === 1 ? this.name(r) : r[c] ?? '')), r.platform, r.currency ?? '', ...this.metrics.map((k) => r[k]),
      ...this.changes.map((k) => r.change?.[k] ?? null), ...(this.spec.kind === 'ads' ? [this.performer(r) ?? ''] : [])]);
    return fmt.csv(header, rows);
  }
}
