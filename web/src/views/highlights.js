// Bronze highlight cards in four tabs (summary, grow, optimize, protect):
// each fact's sentence exactly as core wrote it, its entity and severity, and
// the formatted figures core put beside it.
import { h } from '../dom.js';
import * as fmt from '../format.js';

export const TYPES = [
  { key: 'summary', label: 'Summary', empty: 'No totals to summarise for this period.' },
  { key: 'grow', label: 'Grow', empty: 'Nothing stands out as worth more budget in this period.' },
  { key: 'optimize', label: 'Optimize', empty: 'No campaign stands out as costly or wasteful in this period.' },
  { key: 'protect', label: 'Protect', empty: 'No anomaly, tracking break or spend spike in this period.' },
];
const SEVERITY = { critical: 'Critical', warning: 'Needs attention', positive: 'Good news', info: 'Note' };
const LEVEL = { account: 'Account', platform: 'Platform', campaign: 'Campaign', ad_group: 'Ad group', ad: 'Ad' };

function card(f) {
  const e = f.entity ?? {};
  const who = e.level === 'account' ? (f.currency ? `Account (${f.currency})` : 'Account') : e.name || e.id || '';
  const metricLabel = fmt.METRICS[f.metric]?.label ?? f.metric;
  return h('article', { class: `card sev-${f.severity}`, dataset: { fact: f.id, type: f.type, severity: f.severity } },
    h('div', { class: 'card-head' },
      h('span', { class: `sev sev-${f.severity}` }, SEVERITY[f.severity] ?? f.severity),
      h('span', { class: 'entity' },
        h('span', { class: 'visually-hidden' }, `${LEVEL[e.level] ?? 'Entity'}: `),
        h('span', { class: 'entity-name' }, who)),
      e.platform ? h('span', { class: `badge platform-${e.platform}` }, fmt.platformName(e.platform)) : null),
    h('p', { class: 'sentence' }, f.sentence),
    h('div', { class: 'card-foot' },
      h('span', { class: 'figure' }, `${metricLabel} `, h('strong', null, f.value)),
      f.change ? h('span', { class: `figure trend-${f.trend}` }, h('span', { 'aria-hidden': 'true' }, f.trend === 'up' ? '▲ ' : f.trend === 'down' ? '▼ ' : ''), f.change) : null,
      f.previous_formatted ? h('span', { class: 'figure muted' }, `before ${f.previous_formatted}`) : null,
      f.impact ? h('span', { class: 'figure impact' }, 'at stake ', h('strong', null, f.impact)) : null));
}

export class Highlights {
  constructor(tabsEl, panelEl) {
    this.tabsEl = tabsEl;
    this.panelEl = panelEl;
    this.current = 'summary';
    this.data = null;
    this.tabs = TYPES.map((t) => h('button', {
      type: 'button', role: 'tab', id: `tab-${t.key}`, 'aria-controls': panelEl.id, dataset: { type: t.key },
      onclick: () => this.select(t.key, false),
    }, h('span', null, t.label), h('span', { class: 'count' })));
    tabsEl.replaceChildren(...this.tabs);
    tabsEl.addEventListener('keydown', (ev) => {
      const i = TYPES.findIndex((t) => t.key === this.current);
      let j = null;
      if (ev.key === 'ArrowRight') j = (i + 1) % TYPES.length;
      else if (ev.key === 'ArrowLeft') j = (i + TYPES.length - 1) % TYPES.length;
      else if (ev.key === 'Home') j = 0;
      else if (ev.key === 'End') j = TYPES.length - 1;
      if (j === null) return;
      ev.preventDefault();
      this.select(TYPES[j].key, true);
    });
    this.paintTabs();
  }

  // `data`: {summary, grow, optimize, protect}, each a highlight response.
  set(data) {
    this.data = data;
    this.paintTabs();
    this.paintPanel();
  }

  select(key, focus) {
    this.current = key;
    this.paintTabs();
    this.paintPanel();
    if (focus) this.tabs.find((b) => b.dataset.type === key).focus();
  }

  paintTabs() {
    for (const b of this.tabs) {
      const on = b.dataset.type === this.current;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
      const facts = this.data?.[b.dataset.type]?.facts;
      b.querySelector('.count').textContent = facts ? String(facts.length) : '';
      b.classList.toggle('has-alert', !!facts && facts.some((f) => f.severity === 'critical'));
    }
    this.panelEl.setAttribute('aria-labelledby', `tab-${this.current}`);
  }

  paintPanel() {
    const r = this.data?.[this.current];
    if (!r) {
      this.panelEl.replaceChildren();
      return;
    }
    const t = TYPES.find((x) => x.key === this.current);
    const empty = r.date_range ? t.empty : 'The files have no dates, so there is no period to compare: highlights need a date on each row.';
    this.panelEl.replaceChildren(...(r.facts.length ? r.facts.map(card) : [h('p', { class: 'empty' }, empty)]));
  }
}
