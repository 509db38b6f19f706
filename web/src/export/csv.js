// CSV files a spreadsheet opens cleanly in any locale, and safely.
//
// - The delimiter follows the locale's decimal mark, as Excel does: ';' where
//   numbers are written 1,5 (de, fr, es, it, pt-BR, nl…), ',' elsewhere; a
//   number's decimal mark then matches (1,5 with ';', 1.5 with ',').
// - Numbers are written unformatted (no grouping), rounded to their unit:
//   money to the currency's minor units, counts to whole units, ratios to six
//   decimals (shortest form: 12.5, not 12.50). Rounding here is only how a
//   figure core computed is written down, as Intl rounds it on screen.
// - Lines end in CRLF; a cell holding the delimiter, a quote, CR or LF is
//   quoted and its quotes doubled (RFC 4180).
// - Formula injection (OWASP "CSV Injection"): a text cell starting with
//   = + - @ TAB or CR is prefixed with a single quote and quoted. Numbers the
//   page writes as numbers (a -0.05 change) stay numbers.
// - The UTF-8 byte-order mark, which tells Excel the encoding, is added by
//   `withBom` when the text becomes a file (several tables may be joined first).
//
// Pure: no DOM, no globals; the caller passes the locale and the column kinds.

export const BOM = '\uFEFF';

// The locale's decimal mark ('.' when the locale is unknown to Intl).
export function decimalMark(locale) {
  try {
    const part = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal');
    return part ? part.value : '.';
  } catch {
    return '.';
  }
}

// ';' where the locale writes decimals with a comma, ',' otherwise.
export function delimiterFor(locale) {
  return decimalMark(locale) === ',' ? ';' : ',';
}

const DANGEROUS = /^[=+\-@\t\r]/;

// A text cell as a spreadsheet must see it: neutralised when it could start a formula.
export function safeText(s) {
  return DANGEROUS.test(s) ? `'${s}` : s;
}

// A number rounded to `digits` decimals, written in its shortest form with
// `mark` as the decimal mark (no grouping, no exponent).
export function numberText(v, digits, mark = '.') {
  let s = Number(v.toFixed(digits)).toString();
  if (/e/i.test(s)) s = v.toFixed(digits).replace(/\.?0+$/, '');
  if (s === '-0') s = '0';
  return mark === '.' ? s : s.replace('.', mark);
}

// How many decimals a column's numbers keep: 'money' (minor units of the
// row's currency, 2 when unknown), 'integer', 'count' (whole when whole, else
// up to 6: Google Ads' data-driven conversions are fractional), 'ratio' (6).
function digitsFor(kind, currency, minorUnits) {
  switch (kind) {
    case 'money': return minorUnits(currency) ?? 2;
    case 'integer': return 0;
    default: return 6;
  }
}

function quote(s, delimiter) {
  return s.includes(delimiter) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// One cell: numbers per their column's kind, text neutralised and quoted.
export function cellText(v, { kind = null, currency = null, delimiter = ',', minorUnits = () => undefined } = {}) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '';
    return numberText(v, digitsFor(kind, currency, minorUnits), delimiter === ';' ? ',' : '.');
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = String(v);
  const safe = safeText(s);
  return safe !== s ? `"${safe.replace(/"/g, '""')}"` : quote(s, delimiter);
}

// A table as CSV text (no BOM). options: locale, kinds (column name → kind),
// minorUnits (currency code → digits or undefined); a row's currency is read
// from its 'currency' column when there is one.
export function toCsv(header, rows, { locale = 'en-US', kinds = {}, minorUnits = () => undefined } = {}) {
  const delimiter = delimiterFor(locale);
  const currencyAt = header.indexOf('currency');
  const line = (cells) => cells.join(delimiter);
  const out = [line(header.map((c) => cellText(String(c), { delimiter })))];
  for (const r of rows) {
    const currency = currencyAt >= 0 ? r[currencyAt] || null : null;
    out.push(line(r.map((v, i) => cellText(v, { kind: kinds[header[i]] ?? null, currency, delimiter, minorUnits }))));
  }
  return `${out.join('\r\n')}\r\n`;
}

export const withBom = (text) => (text.startsWith(BOM) ? text : BOM + text);
