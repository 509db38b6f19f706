// KPI tiles: the chosen period's value of each headline metric, its change
// against the previous period and an arrow, all as core reported them.
import { h } from '../dom.js';
import * as fmt from '../format.js';

const AD_TILES = ['spend', 'conversion_value', 'roas', 'conversions', 'cpa', 'clicks', 'ctr', 'cpc', 'impressions', 'cpm', 'cvr', 'reach'];
const WEB_TILES = ['sessions', 'engaged_sessions', 'engagement_rate', 'users', 'key_events', 'key_event_rate', 'revenue', 'revenue_per_session', 'views', 'new_users'];
const MAX_TILES = 8;

const present = (v) => v !== null && v !== undefined;

// The direction of a change as core signed it, and whether that is good news.
function tone(key, delta) {
  if (!present(delta) || delta === 0) return { dir: 'flat', mood: 'neutral' };
  const dir = delta > 0 ? 'up' : 'down';
  const good = fmt.METRICS[key]?.good;
  return { dir, mood: good === null || good === undefined ? 'neutral' : good === dir ? 'good' : 'bad' };
}

const ARROWS = { up: '▲', down: '▼', flat: '▬' };
const WORDS = { up: 'up', down: 'down', flat: 'unchanged' };

function tile(key, periods, currencies) {
  const m = fmt.METRICS[key];
  const cur = periods.current;
  const none = !periods.previous; // compare none: no comparison window
  const prev = periods.previous ?? {};
  const single = currencies.length === 1 ? currencies[0] : null;
  const perCurrency = !present(cur[key]) && cur.by_currency;
  if (perCurrency) {
    // Money in several currencies is never added: one line per currency,
    // each against its own previous period.
    const lines = Object.entries(cur.by_currency).filter(([, v]) => present(v[key]));
    if (lines.length === 0) return null;
    return h('div', { class: 'kpi', dataset: { metric: key }, title: m.title ?? null },
      h('div', { class: 'kpi-label' }, m.label),
      lines.map(([c, v]) => h('div', { class: 'kpi-line', dataset: { currency: c, value: v[key] } },
        h('span', { class: 'kpi-value multi' }, fmt.metric(key, v[key], c)),
        m.kind === 'money' ? null : h('span', { class: 'badge' }, c),
        none ? null : h('span', { class: 'vs' }, ` vs ${fmt.metric(key, prev.by_currency?.[c]?.[key], c)}`))));
  }
  if (!present(cur[key]) && !present(prev[key])) return null;
  const delta = m.points ? periods.change_points?.[key] : periods.change?.[key];
  const t = tone(key, delta);
  return h('div', {
    class: 'kpi',
    dataset: { metric: key, value: cur[key], previous: prev[key], change: delta },
    title: m.title ?? m.note ?? null,
  },
  h('div', { class: 'kpi-label' }, m.label),
  h('div', { class: 'kpi-value' }, fmt.metric(key, cur[key], single)),
  h('div', { class: `kpi-change ${t.mood}` },
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, ARROWS[t.dir]),
    h('span', { class: 'visually-hidden' }, `${WORDS[t.dir]} `),
    h('span', { class: 'delta' }, present(delta) ? fmt.metricChange(key, periods.change?.[key], periods.change_points?.[key]) : none ? 'no comparison chosen' : 'no previous data'),
    none ? null : h('span', { class: 'vs' }, ` vs ${fmt.metric(key, prev[key], single)}`)));
}

// `periods` as in the analyze report; `kind` 'ads' or 'web'.
export function renderKpis(el, periods, kind, currencies) {
  const keys = kind === 'web' ? WEB_TILES : AD_TILES;
  const tiles = [];
  for (const k of keys) {
    if (tiles.length >= MAX_TILES) break;
    const t = tile(k, periods, currencies);
    if (t) tiles.push(t);
  }
  el.replaceChildren(...tiles);
}

// Files without dates: the totals, with no period to compare.
export function renderTotals(el, totals, kind, currencies) {
  const single = currencies.length === 1 ? currencies[0] : null;
  const keys = (kind === 'web' ? WEB_TILES : AD_TILES).filter((k) => present(totals[k])).slice(0, MAX_TILES);
  el.replaceChildren(...keys.map((k) => h('div', { class: 'kpi', dataset: { metric: k, value: totals[k] } },
    h('div', { class: 'kpi-label' }, fmt.METRICS[k].label),
    h('div', { class: 'kpi-value' }, fmt.metric(k, totals[k], single)),
    h('div', { class: 'kpi-change neutral' }, 'all rows (no dates to compare)'))));
}
