// The views over whole tables: the funnel (core's `funnel` method, or the
// ads-to-website journey of the performance analysis), the attribution
// comparison (`attribution`) and the column profile (`profile`), shaped by
// schemas/{funnel,attribution,profile}_report.schema.json. Each appears only
// when core has the method and the file has the columns for it.
import { h } from '../dom.js';
import * as fmt from '../format.js';

const present = (v) => v !== null && v !== undefined;

// ------------------------------------------------------------ funnel

// One funnel: steps as bars, each with its count, its share of the first
// step and the conversion from the step before (all from core). Bar lengths
// are core's share of the first step, capped at the track.
export function funnelBlock(title, steps, overall, extra = null) {
  return h('div', { class: 'funnel' },
    h('h3', { class: 'subhead' }, title),
    h('ol', { class: 'funnel-steps' }, steps.map((s, k) => {
      const fromPrev = s.conversion_from_previous ?? s.rate_from_previous;
      return h('li', { class: 'funnel-step', dataset: { step: s.name, value: s.count } },
        h('div', { class: 'funnel-label' }, h('span', { class: 'step-name' }, s.name), h('span', { class: 'step-count' }, fmt.count(s.count))),
        h('div', { class: 'funnel-track', 'aria-hidden': 'true' },
          h('div', { class: 'funnel-bar', style: `width:${present(s.percentage) ? Math.max(0.5, Math.min(1, s.percentage) * 100) : 0}%` })),
        h('div', { class: 'funnel-rates muted small' },
          k === 0 ? 'first step' : [
            `${fmt.percent(fromPrev, 1)} from the step before`,
            present(s.dropoff_count) ? ` (${fmt.count(s.dropoff_count)} dropped off)` : '',
            ` · ${fmt.percent(s.percentage, 1)} of the first step`,
            present(s.median_seconds_from_previous) ? ` · median ${duration(s.median_seconds_from_previous)} after it` : '',
          ]));
    })),
    present(overall) ? h('p', { class: 'funnel-overall' }, 'Overall conversion ', h('strong', null, fmt.percent(overall, 2))) : null,
    extra);
}

function duration(s) {
  if (!present(s)) return fmt.DASH;
  if (s < 90) return `${fmt.decimal(s, 0)} s`;
  if (s < 5400) return `${fmt.decimal(s / 60, 0)} min`;
  if (s < 172800) return `${fmt.decimal(s / 3600, 1)} h`;
  return `${fmt.decimal(s / 86400, 1)} days`;
}

const MODE = { events: 'event rows', step_totals: 'step totals', sessions: 'sessions by source' };

// entry: {result, guessed, candidates}; onSteps(steps) asks core again.
export function funnelFromCore(name, entry, onSteps) {
  const res = entry.result;
  const t = res.time_to_convert;
  const extras = [];
  if (t && present(t.median_seconds)) extras.push(h('p', { class: 'muted small' }, `Time from first to last step, for those who completed it: median ${duration(t.median_seconds)}, 90th percentile ${duration(t.p90_seconds)}.`));
  if (res.missing_steps?.length) extras.push(h('p', { class: 'note' }, `Never reached: ${res.missing_steps.join(', ')}.`));
  if (res.worst_sources?.length) {
    extras.push(h('h4', null, 'Sources losing the most sessions'),
      h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': `${name}: sources losing the most sessions` }, h('table', { class: 'data compact' },
        h('thead', null, h('tr', null, ['Source / medium', 'Sessions', 'Share of sessions', 'Engagement rate', 'Drop-off'].map((x, i) => h('th', { scope: 'col', class: i ? 'num' : null }, x)))),
        h('tbody', null, res.worst_sources.map((w) => h('tr', null,
          h('th', { scope: 'row', class: 'name' }, w.value),
          h('td', { class: 'num' }, fmt.count(w.sessions)), h('td', { class: 'num' }, fmt.percent(w.session_share, 1)),
          h('td', { class: 'num' }, fmt.percent(w.engagement_rate, 1)), h('td', { class: 'num' }, fmt.percent(w.dropoff, 1))))))));
  }
  if (res.mode === 'events') {
    const id = `steps-${name.replace(/[^a-z0-9]/gi, '-')}`;
    const input = h('input', { id, type: 'text', value: res.options.steps.join(', '), autocomplete: 'off', spellcheck: 'false' });
    const form = h('form', { class: 'steps-form', onsubmit: (ev) => { ev.preventDefault(); onSteps(input.value.split(',').map((x) => x.trim()).filter(Boolean)); } },
      h('label', { for: id }, 'Steps, in order, separated by commas'), input, h('button', { type: 'submit', class: 'button small' }, 'Update funnel'),
      entry.guessed ? h('p', { class: 'muted small' }, `The steps were taken from the most frequent events; events in the file: ${entry.candidates.join(', ')}.`) : null,
      entry.stepsError ? h('p', { class: 'file-error', role: 'alert' }, entry.stepsError) : null);
    extras.unshift(form);
  }
  const who = present(res.users) ? ` · ${fmt.integer(res.users)} users` : '';
  return funnelBlock(`${name} (${MODE[res.mode] ?? res.mode}${who})`, res.steps ?? [], res.overallConversion, extras);
}

// ------------------------------------------------------------ attribution

const MODELS = { first: 'First touch', last: 'Last touch', linear: 'Linear', time_decay: 'Time decay', position_based: 'Position based', markov: 'Markov' };

export function attributionBlock(name, res) {
  const t = res.totals;
  const models = res.models ?? [];
  const channels = models[0]?.channels.map((c) => c.channel) ?? [];
  const markov = models.find((m) => m.model === 'markov');
  const byModel = new Map(models.map((m) => [m.model, new Map(m.channels.map((c) => [c.channel, c]))]));
  const select = h('select', { id: `attr-${name.replace(/[^a-z0-9]/gi, '-')}` },
    h('option', { value: 'conversions' }, 'Conversions'), t.revenue ? h('option', { value: 'revenue' }, 'Revenue') : null);
  const tbody = h('tbody');
  const paint = () => {
    const key = select.value;
    tbody.replaceChildren(...channels.map((ch) => h('tr', { dataset: { channel: ch } },
      h('th', { scope: 'row', class: 'name' }, ch),
      h('td', { class: 'num' }, fmt.integer(byModel.get(models[0].model).get(ch)?.touchpoints)),
      models.map((m) => {
        const c = byModel.get(m.model).get(ch);
        return h('td', { class: 'num', dataset: { model: m.model, value: c?.[key] } },
          key === 'revenue' ? fmt.decimal(c?.revenue, 2) : fmt.count(c?.conversions),
          key === 'conversions' && present(c?.weight) ? h('span', { class: 'muted share' }, ` ${fmt.percent(c.weight, 0)}`) : null);
      }),
      markov ? h('td', { class: 'num' }, fmt.percent(byModel.get('markov').get(ch)?.removal_effect, 1)) : null)));
  };
  select.addEventListener('change', paint);
  paint();
  return h('div', { class: 'attribution' },
    h('h3', { class: 'subhead' }, name),
    h('p', { class: 'muted' }, `${fmt.integer(t.journeys)} journeys from ${fmt.integer(t.ids)} people, ${fmt.integer(t.converting_journeys)} converting; ${fmt.integer(t.touchpoints)} touchpoints; ${fmt.count(t.conversions)} conversions${t.revenue ? `, ${fmt.decimal(t.revenue, 2)} revenue` : ''}.`),
    h('div', { class: 'toolbar' }, h('label', { class: 'inline', for: select.id }, 'Credit'), select),
    h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': `${name}: credit by channel and model` },
      h('table', { class: 'data compact attribution-table' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Channel'), h('th', { scope: 'col', class: 'num' }, 'Touchpoints'),
          models.map((m) => h('th', { scope: 'col', class: 'num' }, MODELS[m.model] ?? m.model)),
          markov ? h('th', { scope: 'col', class: 'num', title: 'share of conversions lost if the channel were removed' }, 'Removal effect') : null)),
        tbody)),
    res.rounding ? h('p', { class: 'assumption' }, res.rounding) : null);
}

// ------------------------------------------------------------ profile

const TYPE = { empty: 'empty', integer: 'integer', decimal: 'decimal', money: 'money', percent: 'percent', date: 'date', boolean: 'yes/no', categorical: 'category', text: 'text', identifier: 'identifier' };

function profileValue(c, v) {
  if (!present(v)) return fmt.DASH;
  if (typeof v === 'string') return v;
  if (c.type === 'percent') return fmt.percent(v, 1);
  if (c.type === 'money') return fmt.money(v, c.currency);
  if (c.type === 'integer') return fmt.count(v);
  return fmt.count(v);
}

function histogram(c) {
  if (!c.histogram?.length) return null;
  let top = 0;
  for (const b of c.histogram) if (b.count > top) top = b.count;
  return h('span', { class: 'spark', 'aria-hidden': 'true' }, c.histogram.map((b) => h('span', { style: `height:${top ? Math.max(4, (b.count / top) * 100) : 4}%` })));
}

export function profileBlock(name, res) {
  const t = res.table;
  const cols = res.columns ?? [];
  return h('div', { class: 'profile' },
    h('p', { class: 'muted' }, `${fmt.integer(t.rows)} rows × ${fmt.integer(t.columns)} columns; ${fmt.integer(t.missing_cells)} missing cells (${fmt.percent(t.missing_share, 1)}); ${fmt.integer(t.duplicate_rows)} duplicate rows.`),
    res.alerts?.length ? h('ul', { class: 'alerts' }, res.alerts.slice(0, 20).map((a) => h('li', { class: `alert-${a.severity}` },
      a.column ? h('strong', null, `${a.column}: `) : h('strong', null, 'Table: '), a.message))) : null,
    h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': `${name}: column profile` },
      h('table', { class: 'data compact profile-table' },
        h('thead', null, h('tr', null, ['Column', 'Type', 'Missing', 'Distinct', 'Min', 'Median', 'Max', 'Distribution', 'Most frequent'].map((x, i) =>
          h('th', { scope: 'col', class: i >= 2 && i <= 6 ? 'num' : null }, x)))),
        h('tbody', null, cols.map((c) => h('tr', { dataset: { column: c.name } },
          h('th', { scope: 'row', class: 'name' }, h('span', { class: 'name-text' }, c.name), c.field ? h('code', null, c.field) : null),
          h('td', null, TYPE[c.type] ?? c.type, c.currency ? ` (${c.currency})` : ''),
          h('td', { class: 'num' }, fmt.integer(c.missing), c.missing ? h('span', { class: 'muted share' }, ` ${fmt.percent(c.missing_share, 1)}`) : null),
          h('td', { class: 'num' }, fmt.integer(c.distinct), c.distinct_exact ? '' : '≈'),
          h('td', { class: 'num' }, c.date ? c.date.min : profileValue(c, c.min)),
          h('td', { class: 'num' }, profileValue(c, c.date ? c.date.quantiles?.p50 : c.quantiles?.p50)),
          h('td', { class: 'num' }, c.date ? c.date.max : profileValue(c, c.max)),
          h('td', null, histogram(c)),
          h('td', { class: 'top-values' }, (c.top_values ?? []).slice(0, 3).map((v) => `${v.value} (${fmt.integer(v.count)})`).join(', ') || fmt.DASH))))))); 
}
