// The performance analysis' action plan, budget reallocation and forecast,
// as core computed and worded them.
import { h } from '../dom.js';
import * as fmt from '../format.js';

const HORIZONS = [
  { key: 'immediate', label: 'Do now' },
  { key: 'this_week', label: 'This week' },
  { key: 'this_month', label: 'This month' },
];
const present = (v) => v !== null && v !== undefined;
const PRIORITY = { high: 'High priority', medium: 'Medium priority', low: 'Low priority' };

function entityList(entities) {
  return h('ul', { class: 'entities' }, (entities ?? []).map((e) => h('li', null,
    h('span', { class: 'entity-name' }, e.name || e.id),
    e.platform ? h('span', { class: `badge platform-${e.platform}` }, fmt.platformName(e.platform)) : null)));
}

function actionCard(a) {
  return h('li', { class: `action priority-${a.priority}`, dataset: { action: a.action, fact: a.fact_id } },
    h('div', { class: 'action-head' },
      h('h4', { class: 'action-name' }, fmt.actionName(a.action)),
      h('span', { class: `prio prio-${a.priority}` }, PRIORITY[a.priority] ?? a.priority)),
    entityList(a.entities),
    h('p', { class: 'justification' }, a.justification),
    // One verdict per entity: its other facts as notes, raises set aside when the verdict cuts.
    (a.supporting ?? []).length ? h('ul', { class: 'supporting small' }, a.supporting.map((s) =>
      h('li', { dataset: { action: s.action, fact: s.fact_id } }, h('span', { class: 'muted' }, `Also ${fmt.actionName(s.action).toLowerCase()}: `), s.sentence))) : null,
    (a.set_aside ?? []).length ? h('ul', { class: 'set-aside small' }, a.set_aside.map((s) =>
      h('li', { dataset: { action: s.action, fact: s.fact_id } }, h('span', { class: 'muted' }, `Not ${fmt.actionName(s.action).toLowerCase()} (${s.reason}): `), s.sentence))) : null,
    a.expected_impact_formatted ? h('p', { class: 'impact' },
      h('strong', null, a.expected_impact_formatted), ' ', h('span', { class: 'muted' }, a.impact_basis ?? '')) : null);
}

export function renderActions(el, plan) {
  const items = plan ? HORIZONS.map((hz) => ({ ...hz, list: plan.plan?.[hz.key] ?? [] })) : [];
  if (!items.some((x) => x.list.length)) {
    el.replaceChildren(h('p', { class: 'empty' }, 'Nothing in this period calls for a change.'));
    return;
  }
  el.replaceChildren(...items.map((hz) => h('div', { class: 'plan-column', dataset: { horizon: hz.key } },
    h('h3', { class: 'subhead' }, hz.label, h('span', { class: 'count' }, fmt.integer(hz.list.length))),
    hz.list.length ? h('ol', { class: 'actions' }, hz.list.map(actionCard)) : h('p', { class: 'empty small' }, 'Nothing here.'))));
}

export function actionsCsv(plan) {
  const rows = [];
  for (const hz of HORIZONS) {
    for (const a of plan?.plan?.[hz.key] ?? []) {
      rows.push([hz.key, a.action, a.priority, (a.entities ?? []).map((e) => e.name || e.id).join('; '),
        (a.entities ?? []).map((e) => e.platform ?? '').join('; '), a.expected_impact, a.currency ?? '', a.impact_basis, a.justification, a.fact_id]);
    }
  }
  return fmt.csv(['horizon', 'action', 'priority', 'entities', 'platforms', 'expected_impact', 'currency', 'impact_basis', 'justification', 'fact_id'], rows);
}

const REALLOC_ROWS = 25;

function reallocRow(x, c) {
  const dir = x.change > 0 ? 'pos' : x.change < 0 ? 'neg' : '';
  return h('tr', { dataset: { id: x.campaign_id } },
    h('th', { scope: 'row', class: 'name' }, h('span', { class: 'name-text' }, x.campaign || x.campaign_id)),
    h('td', null, h('span', { class: `badge platform-${x.platform}` }, fmt.platformName(x.platform))),
    h('td', { class: 'num', dataset: { value: x.current_spend } }, fmt.money(x.current_spend, c)),
    h('td', { class: 'num', dataset: { value: x.proposed_spend } }, fmt.money(x.proposed_spend, c)),
    h('td', { class: `num ${dir}`, dataset: { value: x.change } }, fmt.signedMoney(x.change, c)),
    h('td', { class: `num ${dir}`, dataset: { value: x.change_fraction } }, fmt.changeFraction(x.change_fraction)),
    h('td', { class: 'bar-col', 'aria-hidden': 'true' }, h('span', { class: `shift ${x.change > 0 ? 'up' : x.change < 0 ? 'down' : 'flat'}` }, x.change > 0 ? '▲ raise' : x.change < 0 ? '▼ cut' : 'keep')));
}

export function renderReallocation(el, byCurrency, assumption) {
  const blocks = (byCurrency ?? []).filter((b) => b.budget_reallocation && b.budget_reallocation.campaigns?.length);
  if (blocks.length === 0) {
    el.replaceChildren(h('p', { class: 'empty' }, 'Not enough campaigns with spend to propose a reallocation.'));
    return;
  }
  el.replaceChildren(...blocks.map((b) => {
    const r = b.budget_reallocation;
    const c = b.currency;
    const revenue = r.objective === 'revenue';
    const [amount, ratio] = revenue ? ['revenue', 'roas'] : ['conversions', 'cpa'];
    const word = revenue ? 'revenue' : 'conversions';
    // Many campaigns: the first rows (core's order) at once, the rest on request.
    const tbody = h('tbody');
    const paint = (all) => tbody.replaceChildren(...(all ? r.campaigns : r.campaigns.slice(0, REALLOC_ROWS)).map((x) => reallocRow(x, c)));
    const more = r.campaigns.length > REALLOC_ROWS
      ? h('button', { type: 'button', class: 'button small more', onclick: (ev) => { paint(true); ev.currentTarget.remove(); } }, `Show all ${fmt.integer(r.campaigns.length)} campaigns`)
      : null;
    paint(false);
    return h('div', { class: 'realloc', dataset: { currency: c } },
      h('p', { class: 'realloc-summary' },
        `Same total budget, ${fmt.money(r.total_budget, c)} over all dates in the files, moved toward the campaigns with the best marginal ${word}: projected ${word} `,
        h('strong', null, `${fmt.metric(amount, r.before?.[amount], c)} → ${fmt.metric(amount, r.after?.[amount], c)}`),
        present(r.before?.[ratio]) ? [`, ${fmt.METRICS[ratio].label} `, h('strong', null, `${fmt.metric(ratio, r.before[ratio], c)} → ${fmt.metric(ratio, r.after?.[ratio], c)}`)] : null,
        '.'),
      h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': `Budget reallocation${blocks.length > 1 ? ` (${c})` : ''}` },
        h('table', { class: 'data realloc-table' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'Campaign'), h('th', { scope: 'col' }, 'Platform'),
            h('th', { scope: 'col', class: 'num' }, 'Spend now'), h('th', { scope: 'col', class: 'num' }, 'Proposed'),
            h('th', { scope: 'col', class: 'num' }, 'Change'), h('th', { scope: 'col', class: 'num' }, 'Change %'),
            h('th', { scope: 'col', class: 'bar-col' }, h('span', { class: 'visually-hidden' }, 'Direction')))),
          tbody)),
      more,
      assumption ? h('p', { class: 'assumption' }, `How: ${assumption}.`) : null);
  }));
}

export function reallocationCsv(byCurrency) {
  const rows = [];
  for (const b of byCurrency ?? []) {
    for (const x of b.budget_reallocation?.campaigns ?? []) {
      rows.push([b.currency ?? '', x.platform, x.campaign_id, x.campaign, x.current_spend, x.proposed_spend, x.change, x.change_fraction, x.projected_revenue ?? '']);
    }
  }
  return fmt.csv(['currency', 'platform', 'campaign_id', 'campaign', 'current_spend', 'proposed_spend', 'change', 'change_fraction', 'projected_revenue'], rows);
}

export function renderForecast(el, byCurrency, assumption) {
  const blocks = (byCurrency ?? []).filter((b) => b.forecast);
  if (blocks.length === 0) {
    el.replaceChildren();
    return;
  }
  el.replaceChildren(h('h3', { class: 'subhead' }, 'Forecast'), ...blocks.map((b) => {
    const f = b.forecast;
    const c = b.currency;
    const item = (label, key, m) => h('div', { class: 'forecast-item', dataset: { metric: key, value: f[key]?.value } },
      h('div', { class: 'kpi-label' }, label),
      h('div', { class: 'forecast-value' }, fmt.metric(m, f[key]?.value, c)),
      h('div', { class: 'muted small' }, `likely ${fmt.metric(m, f[key]?.low, c)} to ${fmt.metric(m, f[key]?.high, c)}`));
    return h('div', { class: 'forecast', dataset: { currency: c } },
      h('p', { class: 'muted' }, `Next ${fmt.integer(f.days)} days, ${fmt.dateRange(f.start, f.end)}, if nothing changes`),
      h('div', { class: 'forecast-grid' }, item('Spend', 'spend', 'spend'), item('Conversions', 'conversions', 'conversions'), item('Revenue', 'revenue', 'revenue')),
      f.backtest?.errors?.spend ? h('p', { class: 'assumption' },
        `Checked on the last ${fmt.integer(f.backtest.days)} days of data: typical error ${fmt.percent(f.backtest.errors.spend.wape, 1)} on spend, ${fmt.percent(f.backtest.errors.conversions?.wape, 1)} on conversions, ${fmt.percent(f.backtest.errors.revenue?.wape, 1)} on revenue. `,
        assumption ? `Model: ${assumption}.` : '') : null);
  }));
}
