// The analyst controls: which period (the last N days, this or last month,
// all dates, any range), what it is compared with (the period before, the
// same dates a year earlier, any window, nothing) and which rows (platform,
// account, campaign). They only choose: the request options they give go to
// core, which computes every window and every figure. Choosing a month's first
// and last day from the data's last date is choosing a window, not a figure.
import { $, h } from '../dom.js';
import * as fmt from '../format.js';

const iso = (y, m, d) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const daysInMonth = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export class PeriodControls {
  constructor(onChange) {
    this.onChange = onChange;
    this.days = 30;
    this.bounds = null; // {min, max}: the data's first and last dates
    for (const id of ['range', 'compare', 'filter-platform', 'filter-account', 'filter-campaign']) {
      $(id).addEventListener('change', () => this.changed(id));
    }
    for (const id of ['range-start', 'range-end', 'compare-start', 'compare-end']) {
      $(id).addEventListener('change', () => this.changed(id));
    }
    $('filters-reset').addEventListener('click', () => {
      for (const id of ['filter-platform', 'filter-account', 'filter-campaign']) $(id).value = '';
      this.changed('filters-reset');
    });
  }

  // A "last N days" button: the range menu goes back to it.
  setDays(days) {
    this.days = days;
    $('range').value = 'days';
    $('range-custom').hidden = true;
  }

  changed(id) {
    if (id === 'range') {
      const custom = $('range').value === 'custom';
      $('range-custom').hidden = !custom;
      if (custom && this.bounds && !$('range-start').value) {
        $('range-start').value = this.bounds.min;
        $('range-end').value = this.bounds.max;
      }
      for (const r of document.querySelectorAll('#period input')) if ($('range').value !== 'days') r.checked = false;
      if ($('range').value === 'days') {
        const radio = document.getElementById(`days-${this.days}`);
        if (radio) radio.checked = true;
      }
    }
    if (id === 'compare') {
      const custom = $('compare').value === 'custom';
      $('compare-custom').hidden = !custom;
    }
    // A custom window waits until both of its dates are set and in order.
    if (!this.valid()) return;
    this.onChange();
  }

  valid() {
    const ok = (a, b) => a && b && a <= b;
    if ($('range').value === 'custom' && !ok($('range-start').value, $('range-end').value)) return this.say('Choose the first and the last day of the period (the first on or before the last).');
    if ($('compare').value === 'custom' && !ok($('compare-start').value, $('compare-end').value)) return this.say('Choose the first and the last day to compare with (the first on or before the last).');
    this.say('');
    return true;
  }

  say(text) {
    $('slice-note').textContent = text;
    $('slice-note').hidden = !text;
    return !text;
  }

  // The data's dates and the filter values, from a report of all rows.
  setData(report) {
    const min = report.date_min ?? report.web?.date_min ?? null;
    const max = report.date_max ?? report.web?.date_max ?? null;
    this.bounds = min && max ? { min, max } : null;
    for (const id of ['range-start', 'range-end', 'compare-start', 'compare-end']) {
      if (this.bounds) {
        $(id).min = id.startsWith('range') ? this.bounds.min : '';
        $(id).max = this.bounds.max;
      }
    }
    $('analyst-bar').hidden = false;
    for (const id of ['range', 'compare', 'range-start', 'range-end', 'compare-start', 'compare-end']) $(id).disabled = !this.bounds || this.locked;
    const v = report.filter_values ?? { platforms: [], accounts: [], campaigns: [] };
    const platform = $('filter-platform').value;
    this.fill('filter-platform', 'All platforms', v.platforms.map((p) => ({ value: p, label: fmt.platformName(p) })));
    this.fill('filter-account', 'All accounts', v.accounts.map((a) => ({ value: a.id || a.name, label: `${a.name || a.id}${a.name && a.id ? ` (${a.id})` : ''} · ${fmt.platformName(a.platform)}`, platform: a.platform })), platform);
    this.fill('filter-campaign', 'All campaigns', v.campaigns.map((c) => ({ value: c.id || c.name, label: `${c.name || c.id} · ${fmt.platformName(c.platform)}`, platform: c.platform })), platform);
  }

  // A menu of `items`, keeping the chosen value; those of another platform
  // than the chosen one are left out.
  fill(id, all, items, platform = '') {
    const el = $(id);
    const chosen = el.value;
    const shown = items.filter((x) => !platform || !x.platform || x.platform === platform);
    const seen = new Set();
    const unique = shown.filter((x) => (seen.has(x.value) ? false : seen.add(x.value)));
    el.replaceChildren(h('option', { value: '' }, all), ...unique.map((x) => h('option', { value: x.value }, x.label)));
    el.value = unique.some((x) => x.value === chosen) ? chosen : '';
    el.disabled = this.locked || unique.length < (id === 'filter-platform' ? 2 : 1);
    el.closest('.field').hidden = unique.length === 0;
  }

  // The window the range menu names: request options for core.
  window() {
    const mode = $('range').value;
    if (mode === 'days' || !this.bounds) return { days: this.days };
    const [y, m] = this.bounds.max.split('-').map(Number);
    if (mode === 'this_month') return { start: iso(y, m, 1), end: this.bounds.max };
    if (mode === 'last_month') {
      const py = m === 1 ? y - 1 : y, pm = m === 1 ? 12 : m - 1;
      return { start: iso(py, pm, 1), end: iso(py, pm, daysInMonth(py, pm)) };
    }
    if (mode === 'all') return { start: this.bounds.min, end: this.bounds.max };
    return { start: $('range-start').value, end: $('range-end').value };
  }

  filters() {
    const out = {};
    if ($('filter-platform').value) out.platforms = [$('filter-platform').value];
    if ($('filter-account').value) out.accounts = [$('filter-account').value];
    if ($('filter-campaign').value) out.campaigns = [$('filter-campaign').value];
    return out;
  }

  // Every option core needs for the chosen slice.
  options() {
    const c = $('compare').value;
    const compare = c === 'custom' ? { start: $('compare-start').value, end: $('compare-end').value } : c;
    const filters = this.filters();
    $('filters-reset').hidden = Object.keys(filters).length === 0;
    return { ...this.window(), compare, ...filters };
  }

  // Restoring a kept session: the controls as they were.
  set(options) {
    if (!options) return;
    if (options.days) this.setDays(options.days);
    if (options.range) {
      $('range').value = options.range.mode;
      $('range-start').value = options.range.start ?? '';
      $('range-end').value = options.range.end ?? '';
      $('range-custom').hidden = options.range.mode !== 'custom';
    }
    if (options.compare) {
      $('compare').value = options.compare.mode;
      $('compare-start').value = options.compare.start ?? '';
      $('compare-end').value = options.compare.end ?? '';
      $('compare-custom').hidden = options.compare.mode !== 'custom';
    }
  }

  // What to keep of the controls (with a session).
  get() {
    return {
      days: this.days,
      range: { mode: $('range').value, start: $('range-start').value, end: $('range-end').value },
      compare: { mode: $('compare').value, start: $('compare-start').value, end: $('compare-end').value },
    };
  }

  // Off while the page shows a kept analysis without its files (core cannot answer again).
  setDisabled(on) {
    this.locked = on;
    for (const el of document.querySelectorAll('#analyst-bar select, #analyst-bar input, #analyst-bar button')) el.disabled = on;
  }
}

// "Last 30 days, 10 Sep – 9 Oct 2026, vs the previous 30 days (11 Aug – 9 Sep)".
export function periodLabel(p) {
  if (!p) return 'The files have no dates: totals over all rows.';
  const cur = fmt.dateRange(p.current.start, p.current.end);
  const cmp = p.compare ?? { mode: 'previous' };
  const head = `${fmt.integer(p.days)} days, ${cur}`;
  if (cmp.mode === 'none') return `${head} · no comparison`;
  const prev = fmt.dateRange(p.previous.start, p.previous.end);
  if (cmp.mode === 'year') return `${head} · vs the same period last year, ${prev}`;
  if (cmp.mode === 'custom') return `${head} · vs ${prev}`;
  return `${head} · vs the previous ${fmt.integer(p.compare?.days ?? p.days)} days, ${prev}`;
}
