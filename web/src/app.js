// The page's main thread: starts the worker, sends it the chosen file and
// renders what core computed. No arithmetic here: every number shown comes
// from the core's response; this file only formats it.
/* global GLINT_WORKER_SOURCE */

const worker = new Worker(URL.createObjectURL(new Blob([GLINT_WORKER_SOURCE], { type: 'text/javascript' })));
const pending = new Map();
let nextId = 1;

worker.onmessage = (event) => {
  const { id, ok, result, error } = event.data;
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  if (ok) p.resolve(result);
  else p.reject(Object.assign(new Error(error.message), { code: error.code }));
};

function rpc(method, request, file) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, method, request, file });
  });
}

const $ = (id) => document.getElementById(id);
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });

function cell(value, format, cls = 'num') {
  const td = document.createElement('td');
  td.className = cls;
  td.textContent = value === null || value === undefined ? '–' : format.format(value);
  if (value !== null && value !== undefined) td.dataset.value = String(value);
  return td;
}

function row(name, m) {
  const tr = document.createElement('tr');
  const th = document.createElement('td');
  th.textContent = name;
  tr.append(th, cell(m.impressions, integer), cell(m.clicks, integer), cell(m.spend, money), cell(m.ctr, percent), cell(m.cpc, money));
  return tr;
}

function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

function render(report) {
  const body = $('campaigns').tBodies[0];
  body.replaceChildren(...report.by_campaign.map((c) => row(c.campaign, c)));
  $('campaigns').tFoot.replaceChildren(row('Total', report.totals));
  const input = report.inputs[0];
  $('diagnostics').replaceChildren(...input.diagnostics.map((d) => {
    const li = document.createElement('li');
    li.textContent = `Line ${d.row}${d.column ? ` (${d.column})` : ''}: ${d.message}`;
    return li;
  }));
  $('results').hidden = false;
  setStatus(`${input.name}: ${integer.format(input.rows)} rows, ${report.by_campaign.length} campaigns.`);
}

$('file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  setStatus(`Reading ${file.name}…`);
  try {
    render(await rpc('analyze', { name: file.name }, file));
  } catch (e) {
    $('results').hidden = true;
    setStatus(e.message, true);
  }
});

rpc('version').then(
  (v) => { $('version').textContent = `glint ${v.version} · offline engine (WebAssembly)`; setStatus('Ready. Choose a CSV export.'); },
  (e) => setStatus(`The engine failed to load: ${e.message}`, true),
);
