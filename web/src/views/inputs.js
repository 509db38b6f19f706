// The files: a compact list under the drop zone (progress while reading,
// then what was detected, or why the file could not be read), and "What glint
// understood": per file the detection core reported, expandable down to the
// row numbers of excluded rows and diagnostics.
import { h } from '../dom.js';
import * as fmt from '../format.js';

const ENCODING = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE', 'windows-1252': 'Windows-1252' };
const DELIMITER = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };
const SEVERITY = { error: 'Error', warning: 'Warning', info: 'Info' };

// entry: {key, file, state: 'queued'|'reading'|'done'|'error', progress, input, error}
export function fileItem(entry, onRemove, views = []) {
  const f = entry.file;
  const head = h('div', { class: 'file-head' },
    h('span', { class: 'file-name' }, f.name),
    h('span', { class: 'muted' }, fmt.bytes(f.size)),
    entry.input ? h('span', { class: `badge platform-${entry.input.platform}` }, fmt.platformName(entry.input.platform)) : null,
    h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${f.name}`, title: 'Remove this file', onclick: () => onRemove(entry) }, '×'));
  let body;
  if (entry.state === 'reading' || entry.state === 'queued') {
    const p = entry.progress;
    body = h('div', { class: 'file-progress' },
      h('progress', { max: String(f.size || 1), value: String(p ? p.bytes : 0), 'aria-label': `Reading ${f.name}` }),
      h('span', { class: 'muted small' }, entry.state === 'queued' ? 'waiting…'
        : p ? `${fmt.bytes(p.bytes)} of ${fmt.bytes(p.total)} read · ${fmt.integer(p.rows)} rows` : 'starting…'));
  } else if (entry.state === 'error' && views.length) {
    body = h('p', { class: 'file-summary muted' }, `Not a campaign or analytics report (${entry.error.message.replace(/^[^:]*: /, '')}). Shown below: ${views.join(', ').toLowerCase()}.`);
  } else if (entry.state === 'error') {
    body = h('p', { class: 'file-error', role: 'alert' }, entry.error.message);
  } else if (entry.input) {
    const i = entry.input;
    body = h('p', { class: 'file-summary muted' },
      `${fmt.integer(i.rows)} rows used`,
      ` · ${ENCODING[i.encoding] ?? i.encoding}, ${DELIMITER[i.delimiter] ?? i.delimiter}-separated`,
      i.currency ? ` · ${i.currency}` : '',
      i.date_min ? ` · ${fmt.dateRange(i.date_min, i.date_max)}` : '',
      i.excluded_total ? ` · ${fmt.integer(i.excluded_total)} excluded` : '',
      i.checks?.length ? ` · ${i.checks.every((c) => c.matches) ? "totals match the export's" : "totals differ from the export's"}` : '',
      i.diagnostics_total ? ` · ${fmt.integer(i.diagnostics_total)} diagnostics` : '',
      ' · ', h('button', { type: 'button', class: 'link-button', onclick: () => openDetails(i.name) }, 'details'));
  }
  return h('li', { class: `file state-${entry.state === 'error' && views.length ? 'table' : entry.state}`, dataset: { key: entry.key } }, head, body);
}

function openDetails(name) {
  const d = [...document.querySelectorAll('details.input')].find((x) => x.dataset.name === name);
  if (!d) return;
  d.open = true;
  d.scrollIntoView({ behavior: 'smooth', block: 'start' });
  d.querySelector('summary').focus({ preventScroll: true });
}

// The export's own totals against glint's sums (core's "checks"): the proof
// a marketer can show a client that nothing was lost or counted twice.
function checksBlock(checks, currency) {
  if (!checks?.length) return null;
  return h('div', { class: 'detail-block checks' },
    h('h3', { class: 'block-title' }, "The export's own totals"),
    h('ul', { class: 'row-list' }, checks.map((c) => h('li', { class: c.matches ? 'check-ok' : 'check-differs' },
      h('span', { class: 'line' }, `line ${c.row}`),
      h('span', { class: `pill ${c.matches ? 'ok' : 'warn'}` }, c.matches ? 'matches' : 'differs'),
      h('span', { class: 'col-header' }, c.label),
      c.matches
        ? h('span', null, `equals glint's sum over ${c.scope} (${fmt.integer(c.rows)} rows)`)
        : h('span', null, `differs from the sum of all ${fmt.integer(c.rows)} rows: `,
          (c.differences ?? []).map((d) => `${d.metric} ${fmt.metric(d.metric, d.total, currency)} in the file, ${fmt.metric(d.metric, d.sum, currency)} summed`).join('; '),
          c.note ? h('span', { class: 'muted small' }, ` — ${c.note}`) : null)))));
}

function sectionsBlock(sections) {
  if (!sections?.length) return null;
  return h('div', { class: 'detail-block' },
    h('h3', { class: 'block-title' }, 'Tables in this file'),
    h('ul', { class: 'row-list' }, sections.map((x) => h('li', null,
      h('span', { class: 'line' }, `line ${x.header_row}`),
      h('span', { class: `pill ${x.used ? 'ok' : ''}` }, x.used ? 'read' : 'not read'),
      h('span', null, `${x.header.join(', ')} · ${fmt.integer(x.rows)} rows`)))));
}

function row(label, ...value) {
  return h('div', null, h('dt', null, label), h('dd', null, ...value));
}

export function inputDetails(input, open) {
  const i = input;
  const headerNote = i.preamble_lines ? ` (after ${fmt.integer(i.preamble_lines)} title line${i.preamble_lines === 1 ? '' : 's'})` : '';
  const mapped = (i.columns ?? []).filter((c) => c.field);
  const diag = i.diagnostics ?? [];
  const excluded = i.excluded_rows ?? [];
  return h('details', { class: 'input', open: open || null, dataset: { name: i.name } },
    h('summary', null,
      h('span', { class: 'file-name' }, i.name),
      h('span', { class: `badge platform-${i.platform}` }, fmt.platformName(i.platform)),
      h('span', { class: 'muted' }, `${fmt.integer(i.rows)} rows used · ${ENCODING[i.encoding] ?? i.encoding} · ${DELIMITER[i.delimiter] ?? i.delimiter}-separated · header on line ${fmt.integer(i.header_row)}${i.currency ? ` · ${i.currency}` : ''}`),
      i.excluded_total ? h('span', { class: 'pill' }, `${fmt.integer(i.excluded_total)} row${i.excluded_total === 1 ? '' : 's'} excluded`) : null,
      i.unmapped?.length ? h('span', { class: 'pill' }, `${fmt.integer(i.unmapped.length)} column${i.unmapped.length === 1 ? '' : 's'} not used`) : null,
      i.duplicates?.count ? h('span', { class: 'pill warn' }, `${fmt.integer(i.duplicates.count)} repeated row${i.duplicates.count === 1 ? '' : 's'} counted once`) : null,
      i.checks?.length ? (i.checks.every((c) => c.matches)
        ? h('span', { class: 'pill ok' }, "totals match the export's")
        : h('span', { class: 'pill warn' }, "totals differ from the export's")) : null,
      i.diagnostics_total ? h('span', { class: 'pill warn' }, `${fmt.integer(i.diagnostics_total)} diagnostic${i.diagnostics_total === 1 ? '' : 's'}`) : h('span', { class: 'pill ok' }, 'no problems')),
    h('dl', { class: 'facts-grid' },
      row('Platform', fmt.platformName(i.platform), i.kind === 'web' ? ' (web analytics)' : ' (ads)'),
      row('Encoding', ENCODING[i.encoding] ?? i.encoding, i.bom ? ' with byte-order mark' : ''),
      row('Delimiter', DELIMITER[i.delimiter] ?? i.delimiter),
      row('Header row', `line ${fmt.integer(i.header_row)}${headerNote}`),
      row('Rows used', fmt.integer(i.rows), i.rows_without_date ? ` (${fmt.integer(i.rows_without_date)} without a single date)` : ''),
      row('Excluded rows', fmt.integer(i.excluded_total ?? excluded.length)),
      row('Currency', i.currency ?? (i.currencies?.length ? i.currencies.join(', ') : 'not stated in the file')),
      row('Dates', i.date_min ? `${fmt.dateRange(i.date_min, i.date_max)}${i.date_format ? ` (read as ${i.date_format})` : ''}`
        : i.period ? `no date on each row; the export's period: ${i.period.whole ? `all time (${i.period.stated})` : i.period.start ? fmt.dateRange(i.period.start, i.period.end) : i.period.stated}` : 'none'),
      i.duplicates?.count ? row('Repeated rows', fmt.integer(i.duplicates.count),
        i.duplicates.counted_once ? ' repeat an earlier row cell for cell: each counted once' : ' repeat an earlier row: counted as written') : null,
      row('Unmapped columns', i.unmapped?.length ? i.unmapped.join(', ') : 'none')),
    excluded.length ? h('div', { class: 'detail-block' },
      h('h3', { class: 'block-title' }, 'Excluded rows'),
      h('ul', { class: 'row-list' }, excluded.map((x) => h('li', null, h('span', { class: 'line' }, `line ${x.row}`), x.reason))),
      (i.excluded_total ?? 0) > excluded.length ? h('p', { class: 'muted small' }, `The first ${fmt.integer(excluded.length)} of ${fmt.integer(i.excluded_total)} are listed.`) : null) : null,
    checksBlock(i.checks, i.currency),
    sectionsBlock(i.sections),
    h('div', { class: 'detail-block' },
      h('h3', { class: 'block-title' }, 'Columns read'),
      h('ul', { class: 'column-map' }, mapped.map((c) => h('li', null,
        h('span', { class: 'col-header' }, c.header), h('span', { 'aria-hidden': 'true', class: 'muted' }, ' → '),
        h('span', { class: 'visually-hidden' }, ' read as '), h('code', null, c.field),
        c.note ? h('span', { class: 'muted small' }, ` ${c.note}`) : null)))),
    h('div', { class: 'detail-block' },
      h('h3', { class: 'block-title' }, 'Diagnostics'),
      diag.length ? h('ul', { class: 'row-list diagnostics' }, diag.map((d) => h('li', { class: `diag-${d.severity}` },
        h('span', { class: 'line' }, d.row ? `line ${d.row}` : 'file'),
        h('span', { class: `pill ${d.severity === 'error' ? 'bad' : d.severity === 'warning' ? 'warn' : ''}` }, SEVERITY[d.severity] ?? d.severity),
        d.column ? h('span', { class: 'col-header' }, d.column) : null,
        h('span', null, d.message)))) : h('p', { class: 'muted' }, 'None: every row was read as expected.'),
      (i.diagnostics_total ?? 0) > diag.length ? h('p', { class: 'muted small' }, `The first ${fmt.integer(diag.length)} of ${fmt.integer(i.diagnostics_total)} are listed.`) : null));
}
