// The daily trend chart (uPlot, bundled from npm): core's by_day rows, one
// view at a time (spend and revenue, conversions, ROAS, clicks; sessions and
// the other web metrics for GA4 files), the current period shaded, a legend
// that reads the values under the cursor and toggles series.
import uPlot from 'uplot';
import { h } from '../dom.js';
import * as fmt from '../format.js';

const COLORS = { a: '#2f5bd3', b: '#1f845a', c: '#b4531a', d: '#7048c8' };

// Each view: series (metric keys, colours, axis side).
export const AD_VIEWS = [
  { key: 'spend_revenue', label: 'Spend and revenue', series: [{ m: 'spend', c: COLORS.a }, { m: 'conversion_value', c: COLORS.b }] },
  { key: 'conversions', label: 'Conversions and CPA', series: [{ m: 'conversions', c: COLORS.d }, { m: 'cpa', c: COLORS.c, right: true }] },
  { key: 'roas', label: 'ROAS', series: [{ m: 'roas', c: COLORS.b }] },
  { key: 'clicks', label: 'Clicks and CTR', series: [{ m: 'clicks', c: COLORS.a }, { m: 'ctr', c: COLORS.c, right: true }] },
];
export const WEB_VIEWS = [
  { key: 'sessions', label: 'Sessions', series: [{ m: 'sessions', c: COLORS.a }, { m: 'engaged_sessions', c: COLORS.b }] },
  { key: 'key_events', label: 'Key events and rate', series: [{ m: 'key_events', c: COLORS.d }, { m: 'key_event_rate', c: COLORS.c, right: true }] },
  { key: 'revenue', label: 'Revenue', series: [{ m: 'revenue', c: COLORS.b }] },
  { key: 'engagement_rate', label: 'Engagement rate', series: [{ m: 'engagement_rate', c: COLORS.c }] },
];

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
function axisValue(metricKey, v, currency) {
  const kind = fmt.METRICS[metricKey]?.kind;
  if (v === null || v === undefined) return '';
  if (kind === 'percent') return fmt.percent(v, 1);
  if (kind === 'multiple') return `${compact.format(v)}x`;
  if (kind === 'money' && currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(v);
    } catch { /* unknown code: plain */ }
  }
  return compact.format(v);
}

const dayOf = (iso) => Date.parse(`${iso}T00:00:00Z`) / 1000;

export class TrendChart {
  constructor(el, legendEl) {
    this.el = el;
    this.legendEl = legendEl;
    this.plot = null;
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(el);
  }

  size() {
    const width = Math.max(280, this.el.clientWidth);
    return { width, height: width < 600 ? 220 : 300 };
  }

  resize() {
    if (!this.plot) return;
    const s = this.size();
    if (s.width !== this.plot.width || s.height !== this.plot.height) this.plot.setSize(s);
  }

  // rows: by_day rows of one currency; view: one of the *_VIEWS; band: {start, end} or null.
  render(rows, view, currency, band) {
    if (this.plot) this.plot.destroy();
    this.plot = null;
    const xs = rows.map((r) => dayOf(r.date));
    const field = (s) => s.key ?? s.m; // a series reads row[key] (one line per platform) or row[metric]
    const series = view.series.filter((s) => rows.some((r) => r[field(s)] !== null && r[field(s)] !== undefined));
    if (rows.length === 0 || series.length === 0) {
      this.el.replaceChildren(h('p', { class: 'empty' }, 'No daily figures for this view.'));
      this.legendEl.replaceChildren();
      return;
    }
    this.el.replaceChildren();
    const left = series.find((s) => !s.right) ?? series[0];
    const right = series.find((s) => s.right);
    const scaleOf = (s) => (s.right ? 'right' : 'left');
    const bandX = band ? [dayOf(band.start), dayOf(band.end)] : null;
    const opts = {
      ...this.size(),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      scales: { x: { time: true }, left: { range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.08 : 1] }, right: { range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.08 : 1] } },
      series: [{}, ...series.map((s) => ({
        label: s.label ?? fmt.METRICS[s.m].label, stroke: s.c, width: 2, scale: scaleOf(s), spanGaps: false,
        fill: series.length === 1 ? `${s.c}14` : undefined, points: { show: false },
      }))],
      axes: [
        { stroke: '#5b6475', grid: { show: false }, ticks: { stroke: '#d5d9e0' }, font: '12px system-ui, sans-serif' },
        { scale: 'left', stroke: '#5b6475', size: 64, font: '12px system-ui, sans-serif', grid: { stroke: '#eceef2' }, ticks: { show: false },
          values: (u, splits) => splits.map((v) => axisValue(left.m, v, currency)) },
        ...(right ? [{ scale: 'right', side: 1, stroke: '#5b6475', size: 64, font: '12px system-ui, sans-serif', grid: { show: false }, ticks: { show: false },
          values: (u, splits) => splits.map((v) => axisValue(right.m, v, currency)) }] : []),
      ],
      hooks: {
        drawClear: [(u) => {
          if (!bandX) return;
          const x0 = Math.max(u.bbox.left, u.valToPos(bandX[0] - 43200, 'x', true));
          const x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(bandX[1] + 43200, 'x', true));
          if (x1 <= x0) return;
          u.ctx.save();
          u.ctx.fillStyle = 'rgba(47, 91, 211, 0.06)';
          u.ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
          u.ctx.restore();
        }],
        setCursor: [(u) => this.paintLegend(u.cursor.idx)],
      },
    };
    const data = [xs, ...series.map((s) => rows.map((r) => r[field(s)] ?? null))];
    this.rows = rows;
    this.series = series;
    this.currency = currency;
    this.plot = new uPlot(opts, data, this.el);
    const words = series.map((s) => (s.label ?? fmt.METRICS[s.m].label).toLowerCase()).join(' and ');
    this.el.setAttribute('aria-label', `Daily ${words} from ${fmt.date(rows[0].date)} to ${fmt.date(rows[rows.length - 1].date)}${band ? `; the current period, ${fmt.dateRange(band.start, band.end)}, is shaded` : ''}. The daily figures can be downloaded as CSV.`);
    this.legendButtons = series.map((s, i) => h('button', {
      type: 'button', class: 'legend-item', 'aria-pressed': 'true',
      onclick: (ev) => {
        const on = ev.currentTarget.getAttribute('aria-pressed') !== 'true';
        ev.currentTarget.setAttribute('aria-pressed', on ? 'true' : 'false');
        this.plot.setSeries(i + 1, { show: on });
      },
    }, h('span', { class: 'swatch', style: `background:${s.c}` }), h('span', { class: 'legend-label' }, s.label ?? fmt.METRICS[s.m].label), h('span', { class: 'legend-value' })));
    this.legendDate = h('li', { class: 'legend-date' });
    this.legendEl.replaceChildren(this.legendDate, ...this.legendButtons.map((b) => h('li', null, b)));
    this.paintLegend(null);
  }

  // The values at the cursor's day, or at the last day when the cursor is away.
  paintLegend(idx) {
    if (!this.rows || !this.legendButtons) return;
    const i = idx === null || idx === undefined ? this.rows.length - 1 : idx;
    const row = this.rows[i];
    if (!row) return;
    this.legendDate.textContent = fmt.date(row.date);
    this.series.forEach((s, k) => {
      this.legendButtons[k].querySelector('.legend-value').textContent = fmt.metric(s.m, row[s.key ?? s.m], this.currency);
    });
  }
}
