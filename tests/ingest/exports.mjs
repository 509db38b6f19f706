// exports.mjs — one known dataset, rendered the way each ad platform and GA4
// write their CSV exports.
//
// makeDataset(seed) builds the data (deterministic PRNG). Every generator
// below takes that dataset and returns
//   { name, bytes (Buffer), expect }
// where `expect` says what glint must detect in the file (platform, encoding,
// bom, delimiter, header_row, currency, kind, date_format, the excluded rows
// with their physical line and a reason substring) and lists the data rows
// exactly as they were rendered, in canonical units:
//   ads: { date 'YYYY-MM-DD', platform, currency, campaign, campaign_id,
//          impressions, clicks, spend (cents), conversions (hundredths),
//          conversion_value (cents) }
//   web: { date, source, medium, sessions, engaged_sessions, users, new_users,
//          views, key_events (hundredths), revenue (cents) }
// A metric written as "--" or an empty cell is 0 in these rows (null in the
// file, no error). `expect.metrics` names the metric columns the file has.
// The test runner sums these rows itself; nothing here reads glint's output.

// ---------------------------------------------------------------- dataset

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY0 = Date.UTC(2026, 1, 14); // 2026-02-14; the window runs 40 days to 2026-03-25
export const WINDOW_DAYS = 40;

function dayParts(d) {
  const t = new Date(DAY0 + d * 86400000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
const pad2 = (n) => String(n).padStart(2, '0');
export function isoDay(d) {
  const p = dayParts(d);
  return `${p.y}-${pad2(p.m)}-${pad2(p.d)}`;
}
const compactDay = (d) => isoDay(d).replaceAll('-', '');
const dmyDot = (d) => { const p = dayParts(d); return `${pad2(p.d)}.${pad2(p.m)}.${p.y}`; };
const mdy = (d) => { const p = dayParts(d); return `${p.m}/${p.d}/${p.y}`; };
const EN_MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const EN_MONTH = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FR_MONTH = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const DE_MONTH = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
const enWritten = (d) => { const p = dayParts(d); return `${EN_MON[p.m - 1]} ${p.d}, ${p.y}`; };
const enLong = (d) => { const p = dayParts(d); return `${EN_MONTH[p.m - 1]} ${p.d}, ${p.y}`; };
const frWritten = (d) => { const p = dayParts(d); return `${p.d} ${FR_MONTH[p.m - 1]} ${p.y}`; };
const deLong = (d) => { const p = dayParts(d); return `${p.d}. ${DE_MONTH[p.m - 1]} ${p.y}`; };

// Campaigns with hard names. `name` is what the platform writes; `expected`
// what glint must report (the CSV cell with surrounding spaces trimmed).
const CAMPAIGNS = [
  { name: 'Brand, Search', scale: 60 },                    // a comma
  { name: 'Say "Hi" Promo', scale: 3 },                     // a doubled quote
  { name: 'Spring Sale\nRetargeting', scale: 2 },           // an embedded newline
  { name: 'München Ü-Kampagne', scale: 4 },                 // umlauts
  { name: 'Été 2026', scale: 2 },                            // accents
  { name: 'Total Brand Push', scale: 5 },                   // looks like a total, is data
  { name: ' Padded Name ', scale: 1 },                      // leading and trailing space
  { name: 'Generic Display – Prospecting', scale: 8, noConversions: true }, // en dash; never converts
];

const WEB_SOURCES = [
  ['google', 'cpc'], ['google', 'organic'], ['(direct)', '(none)'], ['facebook', 'paid_social'],
  ['newsletter', 'email'], ['bücher.de', 'referral'], ['bing', 'organic'],
];

export function makeDataset(seed = 0x5eed2026) {
  const rnd = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');
  const campaigns = CAMPAIGNS.map((c, i) => ({
    index: i,
    name: c.name,
    expected: c.name.replace(/^ +| +$/g, ''),
    noConversions: !!c.noConversions,
    googleId: String(20000000000 + int(0, 999999999)),
    metaId: '1202' + digits(10) + pad2(i) + '00',            // 18 digits, > 2^53
    // 19 digits, all sharing one prefix so a double would merge them
    tiktokId: '1790' + '123456789012' + String(i).padStart(3, '0'),
    linkedinId: String(180000000 + int(0, 9999999)),
    msId: String(400000000 + int(0, 99999999)),
    genericPlatform: i < 4 ? 'Google Ads' : 'Meta',
    scale: c.scale,
  }));
  const adRows = [];
  for (const c of campaigns) {
    const len = int(20, 40);
    const start = int(0, WINDOW_DAYS - len);
    for (let d = start; d < start + len; ++d) {
      const impressions = int(40, 25000) * c.scale;
      const clicks = int(0, Math.floor(impressions * 0.06));
      let spend = int(0, 9) === 0 ? 0 : int(100, 50000) * Math.max(1, Math.round(c.scale / 4)); // cents
      if (int(0, 5) === 0) spend += 100000; // ≥ 1,000.00
      let convHalves = c.noConversions ? 0 : int(0, 50);
      if (int(0, 6) === 0) convHalves = 0;
      const purchases = c.noConversions ? 0 : Math.floor(convHalves / 3);
      const valueCents = convHalves === 0 ? 0 : convHalves * int(1000, 9000) + int(0, 99);
      // "--" / empty cells: the value is 0 and the cell says nothing.
      const nullConv = convHalves === 0 && int(0, 1) === 0;
      const nullValue = convHalves === 0 && int(0, 1) === 0;
      adRows.push({
        day: d, date: isoDay(d), campaign: c, impressions, clicks, spend,
        conversions: convHalves * 50, // hundredths: 12.5 → 1250
        purchases, conversion_value: valueCents,
        purchaseValue: purchases === 0 ? 0 : valueCents,
        clicksAll: clicks + int(0, 400), reach: Math.floor(impressions * 0.8),
        nullConv, nullValue,
      });
    }
  }
  // Rows come out day by day, as Google writes a segmented report.
  adRows.sort((a, b) => a.day - b.day || a.campaign.index - b.campaign.index);

  const webRows = [];
  for (const [source, medium] of WEB_SOURCES) {
    const len = int(20, 40);
    const start = int(0, WINDOW_DAYS - len);
    for (let d = start; d < start + len; ++d) {
      const sessions = int(5, 4000);
      const engaged = int(0, sessions);
      const users = int(1, sessions);
      const newUsers = int(0, users);
      const views = sessions + int(0, 3 * sessions);
      const keyEvents = int(0, Math.floor(sessions / 20));
      const revenue = keyEvents === 0 ? 0 : keyEvents * int(500, 20000) + int(0, 99);
      webRows.push({ day: d, date: isoDay(d), source, medium, sessions, engaged_sessions: engaged, users,
        new_users: newUsers, views, key_events: keyEvents * 100, revenue });
    }
  }
  // GA4 sorts by the first metric, descending.
  webRows.sort((a, b) => b.sessions - a.sessions || a.day - b.day || a.source.localeCompare(b.source));
  return { seed, campaigns, adRows, webRows, firstDay: 0, lastDay: WINDOW_DAYS - 1 };
}

// ---------------------------------------------------------------- writing

// A text document whose physical line numbers are tracked, so that expected
// excluded rows can name the line they start on.
class Doc {
  constructor({ delimiter = ',', eol = '\n', quoteAll = false, trailing = false } = {}) {
    Object.assign(this, { delimiter, eol, quoteAll, trailing });
    this.parts = [];
    this.line = 1;
  }
  raw(text) {
    const start = this.line;
    const s = text + this.eol;
    this.parts.push(s);
    this.line += (s.match(/\n/g) || []).length;
    return start;
  }
  quote(cell) {
    const c = String(cell);
    const needs = this.quoteAll || c.includes(this.delimiter) || c.includes('"') || /[\r\n]/.test(c);
    return needs ? `"${c.replaceAll('"', '""')}"` : c;
  }
  // cells: strings; a cell given as {q: text} is always quoted, {raw: text} never.
  record(cells) {
    const text = cells.map((c) => (c && typeof c === 'object' ? (c.q !== undefined ? `"${c.q.replaceAll('"', '""')}"` : c.raw) : this.quote(c)))
      .join(this.delimiter) + (this.trailing ? this.delimiter : '');
    return this.raw(text);
  }
  text() { return this.parts.join(''); }
}

function groupDigits(s, sep) { return sep ? s.replace(/\B(?=(\d{3})+(?!\d))/g, sep) : s; }
const fmtInt = (n, sep = '') => groupDigits(String(n), sep);
// units/100 with exactly two decimals ("1,234.56"), or trimmed ("12.5", "3").
function fmtHundredths(units, { dec = '.', group = '', trim = false } = {}) {
  const neg = units < 0;
  const u = Math.abs(units);
  const whole = groupDigits(String(Math.floor(u / 100)), group);
  let frac = pad2(u % 100);
  if (trim) frac = frac.replace(/0+$/, '');
  return (neg ? '-' : '') + whole + (frac ? dec + frac : '');
}

// Encoders.
const utf8 = (s) => Buffer.from(s, 'utf8');
const utf8bom = (s) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(s)]);
const utf16leBom = (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
function utf16be(s) {
  const b = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1], b[i]];
  return b;
}
const CP1252_HIGH = [0x20ac, -1, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
  0x0152, -1, 0x017d, -1, -1, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161,
  0x203a, 0x0153, -1, 0x017e, 0x0178];
function cp1252(s) {
  const out = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff)) out.push(cp);
    else {
      const k = CP1252_HIGH.indexOf(cp);
      if (k < 0) throw new Error(`U+${cp.toString(16)} has no Windows-1252 byte`);
      out.push(0x80 + k);
    }
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------- expectations

function adExpect(row, { platform, currency = null, id = null, conversions, conversionValue } = {}) {
  return {
    date: row.date,
    platform,
    currency,
    campaign: row.campaign.expected,
    campaign_id: id,
    impressions: row.impressions,
    clicks: row.clicks,
    spend: row.spend,
    conversions: conversions ?? row.conversions,
    conversion_value: conversionValue ?? row.conversion_value,
  };
}
const ALL_AD_METRICS = ['impressions', 'clicks', 'spend', 'conversions', 'conversion_value'];
const ALL_WEB_METRICS = ['sessions', 'engaged_sessions', 'users', 'new_users', 'views', 'key_events', 'revenue'];

function baseExpect(ds, more) {
  return {
    kind: 'ads',
    bom: false,
    metrics: ALL_AD_METRICS,
    date_min: isoDay(Math.min(...ds.adRows.map((r) => r.day))),
    date_max: isoDay(Math.max(...ds.adRows.map((r) => r.day))),
    excluded: [],
    ...more,
  };
}

// ---------------------------------------------------------------- Google Ads

// The Google Ads campaign report in one UI language. `lang` gives headers,
// number style, totals labels; `opts` the file's quirks.
const GOOGLE_LANGS = {
  en: {
    title: 'Campaign report',
    range: (a, b) => `${enLong(a)} - ${enLong(b)}`,
    header: ['Day', 'Campaign', 'Campaign ID', 'Currency code', 'Impr.', 'Clicks', 'Cost', 'Conversions', 'Conv. value'],
    totals: ['Total: Account', 'Total: Search campaigns', 'Total: Campaigns'],
    dec: '.', group: ',', trimConv: false, date: isoDay, dateFormat: 'YYYY-MM-DD',
  },
  de: {
    title: 'Kampagnenbericht',
    range: (a, b) => `${deLong(a)} - ${deLong(b)}`,
    header: ['Tag', 'Kampagne', 'Kampagnen-ID', 'Währungscode', 'Impr.', 'Klicks', 'Kosten', 'Conversions', 'Conv.-Wert'],
    totals: ['Gesamt: Konto', 'Gesamt: Suchkampagnen', 'Gesamt: Kampagnen'],
    dec: ',', group: '.', trimConv: true, date: dmyDot, dateFormat: 'DD.MM.YYYY',
  },
  fr: {
    title: 'Rapport sur les campagnes',
    range: (a, b) => `${frWritten(a)} - ${frWritten(b)}`,
    header: ['Jour', 'Campagne', 'ID de la campagne', 'Code de la devise', 'Impr.', 'Clics', 'Coût', 'Conversions', 'Valeur de conv.'],
    totals: ['Total : compte', 'Total : campagnes sur le Réseau de Recherche', 'Total : campagnes'],
    dec: ',', group: '\u202f', trimConv: false, date: isoDay, dateFormat: 'YYYY-MM-DD',
  },
};

function googleReport(ds, {
  lang = 'en', currency = 'USD', delimiter = ',', eol = '\n', trailing = false, preamble = true, totals = true,
  group, dec, moneySuffix = '', currencyColumn = true, date, dateFormat, quoteAll = false, repeat = 1, days,
} = {}) {
  const L = GOOGLE_LANGS[lang];
  const g = group ?? L.group;
  const dm = dec ?? L.dec;
  const dateOf = date ?? L.date;
  const doc = new Doc({ delimiter, eol, trailing, quoteAll });
  if (preamble) {
    doc.record([L.title]);
    doc.record([L.range(ds.firstDay, ds.lastDay)]);
  }
  const header = currencyColumn ? L.header : L.header.filter((_, i) => i !== 3);
  const headerRow = doc.record(header);
  const rows = [];
  const sums = { impressions: 0, clicks: 0, spend: 0, conversions: 0, conversion_value: 0 };
  for (const r of ds.adRows) {
    if (days && !days(r.day)) continue;
    const money = (c) => fmtHundredths(c, { dec: dm, group: g }) + moneySuffix;
    const cells = [
      dateOf(r.day), r.campaign.name, r.campaign.googleId, currency,
      fmtInt(r.impressions, g), fmtInt(r.clicks, g), money(r.spend),
      r.nullConv ? '--' : fmtHundredths(r.conversions, { dec: dm, group: g, trim: L.trimConv }),
      r.nullValue ? '--' : money(r.conversion_value),
    ];
    if (!currencyColumn) cells.splice(3, 1);
    for (let k = 0; k < repeat; k++) doc.record(cells);
    rows.push(adExpect(r, { platform: 'google_ads', currency: currencyColumn || moneySuffix ? currency : null, id: r.campaign.googleId }));
    for (const k of Object.keys(sums)) sums[k] += r[k];
  }
  const excluded = [];
  if (totals) {
    for (const label of L.totals) {
      const cells = [label, '--', '--', currency, fmtInt(sums.impressions, g), fmtInt(sums.clicks, g),
        fmtHundredths(sums.spend, { dec: dm, group: g }) + moneySuffix,
        fmtHundredths(sums.conversions, { dec: dm, group: g, trim: L.trimConv }),
        fmtHundredths(sums.conversion_value, { dec: dm, group: g }) + moneySuffix];
      if (!currencyColumn) cells.splice(3, 1);
      excluded.push({ line: doc.record(cells), reason: label });
    }
  }
  return {
    text: doc.text(),
    expect: baseExpect(ds, {
      platform: 'google_ads', delimiter, header_row: headerRow, currency,
      date_format: dateFormat ?? L.dateFormat, excluded, rows,
    }),
  };
}

// 1. English "CSV for Excel": UTF-16LE with BOM, tab-separated, title and date-range lines, totals.
export function googleEnExcelUtf16(ds) {
  const { text, expect } = googleReport(ds, { lang: 'en', delimiter: '\t' });
  return { name: 'google_en_excel_utf16le.csv', bytes: utf16leBom(text), expect: { ...expect, encoding: 'utf-16le', bom: true } };
}

// 2. German: UTF-8 with BOM, semicolons, DD.MM.YYYY, "1.234,56", "12,5", "Gesamt: Konto".
export function googleDeSemicolon(ds) {
  const { text, expect } = googleReport(ds, { lang: 'de', currency: 'EUR', delimiter: ';' });
  return { name: 'google_de_utf8bom_semicolon.csv', bytes: utf8bom(text), expect: { ...expect, encoding: 'utf-8', bom: true } };
}

// 3. French: "Total : compte", Jour/Campagne/Coût, "1 234,56" grouped with U+00A0 (3a) or U+202F (3b);
// Google's plain CSV: comma-separated, so decimal-comma values are quoted.
export function googleFrNbsp(ds) {
  const { text, expect } = googleReport(ds, { lang: 'fr', currency: 'EUR', delimiter: ',', group: '\u00a0' });
  return { name: 'google_fr_nbsp.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}
export function googleFrNarrowNbsp(ds) {
  const { text, expect } = googleReport(ds, { lang: 'fr', currency: 'EUR', delimiter: ',', group: '\u202f' });
  return { name: 'google_fr_narrow_nbsp.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}

// 4. UTF-16BE without a BOM, comma-separated, names quoted (commas, doubled quotes, newline).
export function googleUtf16beNoBom(ds) {
  const { text, expect } = googleReport(ds, { lang: 'en', delimiter: ',', group: '', preamble: false });
  return { name: 'google_en_utf16be_nobom.csv', bytes: utf16be(text), expect: { ...expect, encoding: 'utf-16be', bom: false } };
}

// 13. Windows-1252, German, semicolons, umlauts in names, "1.234,56 €" money, no currency column.
export function googleDeWindows1252(ds) {
  const { text, expect } = googleReport(ds, {
    lang: 'de', currency: 'EUR', delimiter: ';', moneySuffix: ' €', currencyColumn: false, preamble: false,
  });
  // Only the first total row: an Excel re-save of a filtered report.
  const lines = expect.excluded.slice(1).map((e) => e.line);
  const kept = text.split('\n').filter((_, i) => !lines.includes(i + 1)).join('\n');
  return {
    name: 'google_de_windows1252.csv', bytes: cp1252(kept),
    expect: { ...expect, excluded: expect.excluded.slice(0, 1), encoding: 'windows-1252', bom: false },
  };
}

// 14a. Written English dates "Feb 25, 2026" (quoted: they hold a comma).
export function googleWrittenDatesEn(ds) {
  const { text, expect } = googleReport(ds, {
    lang: 'en', delimiter: ',', group: '', preamble: false, totals: false, date: enWritten, dateFormat: 'written month',
  });
  return { name: 'google_en_written_dates.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}

// 14b. Written French dates "25 février 2026", semicolon-separated.
export function googleWrittenDatesFr(ds) {
  const { text, expect } = googleReport(ds, {
    lang: 'fr', currency: 'EUR', delimiter: ';', group: '', preamble: false, totals: false, date: frWritten,
    dateFormat: 'written month',
  });
  return { name: 'google_fr_written_dates.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}

// 15a. Pipe-separated.
export function googlePipe(ds) {
  const { text, expect } = googleReport(ds, { lang: 'en', delimiter: '|', preamble: false, totals: false });
  return { name: 'google_en_pipe.txt', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}

// 15b. CRLF line endings and a trailing delimiter on every line (header too).
export function googleCrlfTrailing(ds) {
  const { text, expect } = googleReport(ds, {
    lang: 'en', delimiter: ',', group: '', eol: '\r\n', trailing: true, preamble: false, totals: false,
  });
  return { name: 'google_en_crlf_trailing_delim.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}

// ---------------------------------------------------------------- Meta Ads Manager

// Each dataset row is two ads in two ad sets. Ad set A is optimised for
// purchases (or leads), ad set B for link clicks (or another non-conversion).
function split(x, share = 0.6) {
  const a = Math.floor(x * share);
  return [a, x - a];
}

const META_LANGS = {
  en: {
    header: ['Reporting starts', 'Reporting ends', 'Campaign name', 'Ad set name', 'Ad name', 'Ad delivery',
      'Impressions', 'Reach', 'Amount spent (CUR)', 'CPM (cost per 1,000 impressions) (CUR)', 'Link clicks',
      'Clicks (all)', 'Results', 'Result indicator', 'Purchases', 'Purchases conversion value', 'Attribution setting'],
    delivery: 'Campaign delivery', active: 'active', attribution: '7-day click or 1-day view', adSet: ['Purchasers', 'Traffic'], ad: 'Ad',
  },
  de: {
    header: ['Berichtsbeginn', 'Berichtsende', 'Kampagnenname', 'Name der Anzeigengruppe', 'Anzeigenname',
      'Anzeigenauslieferung', 'Impressionen', 'Reichweite', 'Ausgegebener Betrag (CUR)',
      'CPM (Kosten pro 1.000 Impressionen) (CUR)', 'Link-Klicks', 'Klicks (alle)', 'Ergebnisse', 'Ergebnisindikator',
      'Käufe', 'Conversion-Wert für Käufe', 'Attributionseinstellung'],
    delivery: 'Kampagnenauslieferung', active: 'aktiv', attribution: '7 Tage nach Klick oder 1 Tag nach Ansehen', adSet: ['Käufer', 'Traffic'], ad: 'Anzeige',
  },
};

function metaReport(ds, { lang = 'en', currency = 'USD', dec = '.', purchases = true, indicators, level = 'ad' } = {}) {
  const L = META_LANGS[lang];
  const ind = indicators ?? ((c) => ['actions:offsite_conversion.fb_pixel_purchase', 'actions:link_click']);
  const doc = new Doc({ delimiter: ',' });
  let header = L.header.map((h) => h.replace('CUR', currency));
  if (level === 'campaign') header[5] = L.delivery;
  // Purchases is column 14; ad set and ad names (3, 4) exist only below campaign level.
  const keep = header.map((h, i) => (purchases || i !== 14) && (level === 'ad' || (i !== 3 && i !== 4)));
  header = header.filter((_, i) => keep[i]);
  const headerRow = doc.record(header.map((h) => ({ q: h })));
  const money = (c) => (c === 0 ? '' : fmtHundredths(c, { dec }));
  const plain = (n) => (n === 0 ? '' : String(n));
  const dataLines = [];
  const rows = [];
  const sum = { impressions: 0, reach: 0, spend: 0, clicks: 0, clicksAll: 0, purchases: 0, value: 0 };
  for (const r of ds.adRows) {
    const [impA, impB] = split(r.impressions);
    const [reachA, reachB] = split(r.reach);
    const [spA, spB] = split(r.spend);
    const [clA, clB] = split(r.clicks);
    const [caA, caB] = split(r.clicksAll);
    // Purchases all fall in ad set A (its optimisation goal), value with them.
    const parts = level === 'ad' ? [
      { set: 0, imp: impA, reach: reachA, spend: spA, clicks: clA, clicksAll: caA, purchases: r.purchases, value: r.purchaseValue },
      { set: 1, imp: impB, reach: reachB, spend: spB, clicks: clB, clicksAll: caB, purchases: 0, value: 0 },
    ] : [
      { set: 0, imp: r.impressions, reach: r.reach, spend: r.spend, clicks: r.clicks, clicksAll: r.clicksAll,
        purchases: r.purchases, value: r.purchaseValue },
    ];
    for (const p of parts) {
      const indicator = ind(r.campaign)[p.set];
      // What Meta writes in Results: the count of the indicator's action.
      let results;
      if (/purchase|lead/.test(indicator)) results = p.purchases;
      else if (indicator === 'actions:link_click') results = p.clicks;
      else if (indicator === 'reach') results = p.reach;
      else results = Math.floor(p.clicks * 0.7); // landing page views
      const isConversion = /purchase|lead/.test(indicator);
      const cpm = p.imp === 0 ? '' : (p.spend / 100 / p.imp * 1000).toFixed(6).replace('.', dec);
      const cells = [
        r.date, r.date, { q: r.campaign.name }, { q: L.adSet[p.set] }, { q: `${L.ad} ${p.set + 1}` }, L.active,
        String(p.imp), String(p.reach), money(p.spend), cpm, plain(p.clicks), String(p.clicksAll),
        plain(results), indicator, plain(p.purchases), money(p.value), { q: L.attribution },
      ].filter((_, i) => keep[i]);
      dataLines.push(cells);
      rows.push({
        date: r.date, platform: 'meta_ads', currency, campaign: r.campaign.expected, campaign_id: null,
        impressions: p.imp, clicks: p.clicks, spend: p.spend,
        conversions: (purchases ? p.purchases : (isConversion ? results : 0)) * 100,
        conversion_value: p.value,
      });
      sum.impressions += p.imp; sum.reach += p.reach; sum.spend += p.spend; sum.clicks += p.clicks;
      sum.clicksAll += p.clicksAll; sum.purchases += p.purchases; sum.value += p.value;
    }
  }
  // Meta's first data row: the account summary, names blank, whole range.
  const summary = [
    isoDay(ds.firstDay), isoDay(ds.lastDay), '', '', '', '', String(sum.impressions), String(sum.reach),
    money(sum.spend), (sum.spend / 100 / sum.impressions * 1000).toFixed(6).replace('.', dec), String(sum.clicks),
    String(sum.clicksAll), '', '', String(sum.purchases), money(sum.value), '',
  ].filter((_, i) => keep[i]);
  const summaryLine = doc.record(summary);
  for (const cells of dataLines) doc.record(cells);
  return {
    text: doc.text(),
    expect: baseExpect(ds, {
      platform: 'meta_ads', delimiter: ',', header_row: headerRow, currency, date_format: 'YYYY-MM-DD',
      excluded: [{ line: summaryLine, reason: 'account summary' }], rows,
    }),
  };
}

// 5. Meta English: Link clicks are clicks, Purchases are conversions, USD from the header.
export function metaEn(ds) {
  const { text, expect } = metaReport(ds, { lang: 'en', currency: 'USD' });
  return { name: 'meta_en.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}

// 6. Meta German: Kampagnenname, Berichtsbeginn, "Ausgegebener Betrag (EUR)", Link-Klicks, Käufe; decimal comma.
export function metaDe(ds) {
  const { text, expect } = metaReport(ds, { lang: 'de', currency: 'EUR', dec: ',' });
  return { name: 'meta_de.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}

// 7. Meta with Results but no Purchases column: Results count only where the
// Result indicator is a conversion action.
const META_NONCONV = ['actions:link_click', 'actions:landing_page_view', 'reach'];
export function metaResultsOnly(ds) {
  const { text, expect } = metaReport(ds, {
    lang: 'en', currency: 'USD', purchases: false,
    indicators: (c) => [c.index % 2 ? 'actions:offsite_conversion.fb_pixel_lead' : 'actions:offsite_conversion.fb_pixel_purchase',
      META_NONCONV[c.index % 3]],
  });
  return { name: 'meta_en_results_only.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}

// The dataset with some campaigns renamed (index → name), for name quirks.
export function withNames(ds, names) {
  const campaigns = ds.campaigns.map((c) => (names[c.index] === undefined ? c
    : { ...c, name: names[c.index], expected: names[c.index].replace(/^ +| +$/g, '') }));
  return { ...ds, campaigns, adRows: ds.adRows.map((r) => ({ ...r, campaign: campaigns[r.campaign.index] })) };
}

// 17. Region-coded campaign names: "NA" (North America) is a name, not a null.
// a) Meta campaign-level export (no ad set / ad columns).
export function metaCampaignLevelRegionName(ds) {
  const { text, expect } = metaReport(withNames(ds, { 7: 'NA' }), { lang: 'en', currency: 'USD', level: 'campaign' });
  return { name: 'meta_en_campaign_level_na.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}
// b) Google Ads, comma CSV without preamble or totals.
export function googleRegionName(ds) {
  const { text, expect } = googleReport(withNames(ds, { 7: 'NA' }), { lang: 'en', delimiter: ',', group: '', preamble: false, totals: false });
  return { name: 'google_en_campaign_na.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8' } };
}

// ---------------------------------------------------------------- GA4

// 8. GA4 traffic acquisition: '#' preamble, a blank line, the header, a totals row with blank dimensions.
export function ga4TrafficAcquisition(ds) {
  const doc = new Doc({ delimiter: ',' });
  for (const l of ['# ----------------------------------------', '# Traffic acquisition: Session source / medium',
    '# Account: Example Shop', '# Property: Example Shop – GA4', '# ----------------------------------------', '#',
    '# All Users', `# Start date: ${compactDay(ds.firstDay)}`, `# End date: ${compactDay(ds.lastDay)}`]) doc.raw(l);
  doc.raw('');
  const headerRow = doc.record(['Session source / medium', 'Date', 'Sessions', 'Engaged sessions', 'Total users',
    'New users', 'Views', 'Key events', 'Total revenue', 'Engagement rate']);
  const tot = Object.fromEntries(ALL_WEB_METRICS.map((k) => [k, 0]));
  for (const r of ds.webRows) for (const k of ALL_WEB_METRICS) tot[k] += r[k];
  const money = (c) => fmtHundredths(c, { trim: true });
  const totalsLine = doc.record(['', '', String(tot.sessions), String(tot.engaged_sessions), String(tot.users),
    String(tot.new_users), String(tot.views), fmtHundredths(tot.key_events, { trim: true }), money(tot.revenue),
    (tot.engaged_sessions / tot.sessions).toFixed(4)]);
  const rows = ga4Rows(doc, ds, true);
  return {
    name: 'ga4_traffic_acquisition.csv', bytes: utf8(doc.text()),
    expect: ga4Expect(ds, headerRow, rows, { excluded: [{ line: totalsLine, reason: 'totals row' }] }),
  };
}

// GA4's source / medium rows by day (with the engagement-rate column or not),
// as written and as expected.
function ga4Rows(doc, ds, withRate) {
  const rows = [];
  for (const r of ds.webRows) {
    doc.record([`${r.source} / ${r.medium}`, compactDay(r.day), String(r.sessions), String(r.engaged_sessions),
      String(r.users), String(r.new_users), String(r.views), fmtHundredths(r.key_events, { trim: true }),
      fmtHundredths(r.revenue, { trim: true }), ...(withRate ? [(r.engaged_sessions / r.sessions).toFixed(4)] : [])]);
    rows.push({ date: r.date, platform: 'ga4', currency: null, source: r.source, medium: r.medium,
      ...Object.fromEntries(ALL_WEB_METRICS.map((k) => [k, r[k]])) });
  }
  return rows;
}

function ga4Expect(ds, headerRow, rows, more) {
  return {
    kind: 'web', platform: 'ga4', encoding: 'utf-8', bom: false, delimiter: ',', header_row: headerRow,
    currency: null, date_format: 'YYYYMMDD', metrics: ALL_WEB_METRICS,
    date_min: isoDay(Math.min(...ds.webRows.map((r) => r.day))),
    date_max: isoDay(Math.max(...ds.webRows.map((r) => r.day))),
    rows, ...more,
  };
}

// ---------------------------------------------------------------- TikTok

// 9. TikTok Ads Manager: 19-digit campaign IDs, "By Day" ISO dates, Clicks (destination).
export function tiktok(ds) {
  const doc = new Doc({ delimiter: ',' });
  const headerRow = doc.record(['By Day', 'Campaign name', 'Campaign ID', 'Currency', 'Cost', 'Impressions',
    'Clicks (destination)', 'CTR (destination)', 'Clicks (all)', 'Conversions', 'Total complete payment value']);
  const rows = [];
  for (const r of ds.adRows) {
    const ctr = r.impressions ? `${(100 * r.clicks / r.impressions).toFixed(2)}%` : '0.00%';
    doc.record([r.date, r.campaign.name, r.campaign.tiktokId, 'USD', fmtHundredths(r.spend), String(r.impressions),
      String(r.clicks), ctr, String(r.clicksAll), String(r.purchases), fmtHundredths(r.purchaseValue)]);
    rows.push(adExpect(r, { platform: 'tiktok_ads', currency: 'USD', id: r.campaign.tiktokId,
      conversions: r.purchases * 100, conversionValue: r.purchaseValue }));
  }
  return {
    name: 'tiktok_ads.csv', bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'tiktok_ads', encoding: 'utf-8', delimiter: ',', header_row: headerRow,
      currency: 'USD', date_format: 'YYYY-MM-DD', rows }),
  };
}

// ---------------------------------------------------------------- LinkedIn

// 10. LinkedIn Campaign Manager: preamble lines, M/D/YYYY start/end dates, Total Spent.
export function linkedin(ds) {
  const doc = new Doc({ delimiter: ',' });
  doc.raw('Campaign Performance Report (in UTC)');
  doc.raw(`Report Start: ${mdy(ds.firstDay)}, 12:00 AM`);
  doc.raw(`Report End: ${mdy(ds.lastDay)}, 11:59 PM`);
  doc.raw(`Date Generated: ${mdy(ds.lastDay + 1)}, 9:14 AM`);
  doc.raw('Account: Example GmbH (508912345)');
  doc.raw('Time Breakdown: Daily');
  const headerRow = doc.record(['Start Date (in UTC)', 'End Date (in UTC)', 'Account Name', 'Campaign Group Name',
    'Campaign Name', 'Campaign ID', 'Campaign Type', 'Currency', 'Impressions', 'Clicks', 'Total Spent',
    'Conversions', 'Total Conversion Value']);
  const rows = [];
  for (const r of ds.adRows) {
    doc.record([mdy(r.day), mdy(r.day), 'Example GmbH', 'Q1 Always On', r.campaign.name, r.campaign.linkedinId,
      'Sponsored Content', 'USD', String(r.impressions), String(r.clicks), fmtHundredths(r.spend),
      String(r.purchases), fmtHundredths(r.purchaseValue)]);
    rows.push(adExpect(r, { platform: 'linkedin_ads', currency: 'USD', id: r.campaign.linkedinId,
      conversions: r.purchases * 100, conversionValue: r.purchaseValue }));
  }
  return {
    name: 'linkedin_campaigns.csv', bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'linkedin_ads', encoding: 'utf-8', delimiter: ',', header_row: headerRow,
      currency: 'USD', date_format: 'MM/DD/YYYY', rows }),
  };
}

// ---------------------------------------------------------------- Microsoft Advertising

// 11. Microsoft Advertising: nine "Report …" lines, a blank line, the header,
// every field quoted, "1,234.56" money, the copyright footer.
export function microsoft(ds) {
  const doc = new Doc({ delimiter: ',', quoteAll: true });
  const preamble = ['Report Name: Campaign performance', `Report Time: ${mdy(ds.lastDay + 1)}`,
    'Time Zone: (GMT-08:00) Pacific Time (US & Canada); Tijuana',
    `Last Completed Available Day: ${mdy(ds.lastDay + 1)} 11:59:59 PM (GMT-08:00) Pacific Time (US & Canada); Tijuana`,
    `Last Completed Available Hour: ${mdy(ds.lastDay + 1)} 11:59:59 PM (GMT-08:00) Pacific Time (US & Canada); Tijuana`,
    'Report Aggregation: Daily', 'Report Filter: ', 'Potential Incomplete Data: false', `Rows: ${ds.adRows.length}`];
  for (const l of preamble) doc.record([l]);
  doc.raw('');
  const headerRow = doc.record(['Gregorian date', 'Account name', 'Account number', 'Campaign name', 'Campaign ID',
    'Currency code', 'Impr.', 'Clicks', 'Spend', 'Conv.', 'Revenue']);
  const rows = [];
  for (const r of ds.adRows) {
    doc.record([mdy(r.day), 'Example Inc.', 'F123ABCD', r.campaign.name, r.campaign.msId, 'USD',
      fmtInt(r.impressions, ','), fmtInt(r.clicks, ','), fmtHundredths(r.spend, { group: ',' }),
      fmtHundredths(r.conversions, { group: ',' }), fmtHundredths(r.conversion_value, { group: ',' })]);
    rows.push(adExpect(r, { platform: 'microsoft_ads', currency: 'USD', id: r.campaign.msId }));
  }
  const footer = doc.record(['©2026 Microsoft Corporation. All rights reserved. ']);
  return {
    name: 'microsoft_ads.csv', bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'microsoft_ads', encoding: 'utf-8', delimiter: ',', header_row: headerRow,
      currency: 'USD', date_format: 'MM/DD/YYYY', excluded: [{ line: footer, reason: 'Microsoft Corporation' }], checks: [], rows }),
  };
}

// ---------------------------------------------------------------- generic

// 12. A snake_case sheet with a per-row platform column: by_platform must split.
export function genericMultiPlatform(ds) {
  const doc = new Doc({ delimiter: ',' });
  const headerRow = doc.record(['date', 'platform', 'campaign_id', 'campaign_name', 'impressions', 'clicks', 'spend',
    'conversions', 'conversion_value']);
  const rows = [];
  for (const r of ds.adRows) {
    const c = r.campaign;
    const google = c.genericPlatform === 'Google Ads';
    const id = google ? c.googleId : c.metaId;
    doc.record([r.date, c.genericPlatform, id, c.name, String(r.impressions), String(r.clicks), fmtHundredths(r.spend),
      r.nullConv ? '' : fmtHundredths(r.conversions, { trim: true }), r.nullValue ? '' : fmtHundredths(r.conversion_value)]);
    rows.push(adExpect(r, { platform: google ? 'google_ads' : 'meta_ads', currency: null, id }));
  }
  return {
    name: 'generic_multi_platform.csv', bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'generic', encoding: 'utf-8', delimiter: ',', header_row: headerRow,
      currency: null, date_format: 'YYYY-MM-DD', rows }),
  };
}

// ---------------------------------------------------------------- summary rows found by structure

// What a summary row must check as: `matches`, and when it does not, the
// metrics that differ — decided here from the figures this file wrote and
// the sums of the rows it summarises, never from glint's output.
function expectCheck(line, label, written, sums, metrics) {
  const differing = metrics.filter((m) => written[m] !== sums[m]);
  return { line, label, matches: differing.length === 0, differing };
}
const sumAds = (rows) => {
  const s = { impressions: 0, clicks: 0, spend: 0, conversions: 0, conversion_value: 0 };
  for (const r of rows) for (const k of Object.keys(s)) s[k] += r[k];
  return s;
};

// Campaigns merely named like totals: data, every row of them.
const TOTAL_LIKE_NAMES = { 3: 'Total Fitness – Brand', 5: 'Total - Brand Push', 6: 'Totalmente Hogar' };

// 21. Google Ads keyword report: the label in the third column, the first two
// cells empty; "Total: Keywords" equals the rows, "Total: Account" is larger
// (removed campaigns count there), which the check must say, metric by metric.
export function googleKeywordLaterLabel(base) {
  const ds = withNames(base, TOTAL_LIKE_NAMES);
  const doc = new Doc({ delimiter: ',' });
  doc.record(['Keyword report']);
  doc.record([`${enLong(ds.firstDay)} - ${enLong(ds.lastDay)}`]);
  const headerRow = doc.record(['Keyword', 'Match type', 'Campaign', 'Day', 'Currency code', 'Impr.', 'Clicks', 'Cost',
    'Conversions', 'Conv. value']);
  const rows = [];
  for (const r of ds.adRows) {
    doc.record([`kw ${r.campaign.index}-${r.day}`, ['Exact match', 'Phrase match', 'Broad match'][r.day % 3], r.campaign.name,
      r.date, 'USD', String(r.impressions), String(r.clicks), fmtHundredths(r.spend),
      r.nullConv ? '--' : fmtHundredths(r.conversions), r.nullValue ? '--' : fmtHundredths(r.conversion_value)]);
    rows.push(adExpect(r, { platform: 'google_ads', currency: 'USD' }));
  }
  const sums = sumAds(ds.adRows);
  const removed = { impressions: 1234, clicks: 56, spend: 78901, conversions: 300, conversion_value: 45600 };
  const account = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v + removed[k]]));
  const excluded = [];
  const checks = [];
  for (const [label, fig] of [['Total: Keywords', sums], ['Total: Account', account]]) {
    const line = doc.record(['', '', label, '', 'USD', String(fig.impressions), String(fig.clicks), fmtHundredths(fig.spend),
      fmtHundredths(fig.conversions), fmtHundredths(fig.conversion_value)]);
    excluded.push({ line, reason: label });
    checks.push(expectCheck(line, label, fig, sums, ALL_AD_METRICS));
  }
  return {
    name: 'google_en_keywords_label_third_column.csv', bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'google_ads', encoding: 'utf-8', delimiter: ',', header_row: headerRow,
      currency: 'USD', date_format: 'YYYY-MM-DD', excluded, checks, rows }),
  };
}

// The Google campaign report with its totals rows replaced by `labels`.
function googleWithTotals(ds, labels, name) {
  const { text, expect } = googleReport(ds, { lang: 'en', delimiter: ',', group: '', totals: false });
  const doc = new Doc({ delimiter: ',' });
  doc.parts.push(text);
  doc.line = (text.match(/\n/g) || []).length + 1;
  const sums = sumAds(ds.adRows);
  const excluded = [];
  const checks = [];
  for (const label of labels) {
    const line = doc.record([label, '--', '--', 'USD', String(sums.impressions), String(sums.clicks),
      fmtHundredths(sums.spend), fmtHundredths(sums.conversions), fmtHundredths(sums.conversion_value)]);
    excluded.push({ line, reason: label });
    checks.push(expectCheck(line, label, sums, sums, ALL_AD_METRICS));
  }
  return { name, bytes: utf8(doc.text()), expect: { ...expect, encoding: 'utf-8', excluded, checks } };
}

// 22. Older AdWords downloads: "Total - filtered" and "Total", a dash, no colon.
export function googleDashTotals(ds) {
  return googleWithTotals(withNames(ds, TOTAL_LIKE_NAMES), ['Total - filtered', 'Total'], 'adwords_dash_totals.csv');
}
// 23. A singular "Total: Campaign".
export function googleSingularTotal(ds) {
  return googleWithTotals(ds, ['Total: Campaign'], 'google_singular_total.csv');
}

// 24. GA4 exploration: '#' preamble, then "Grand total" as the first data row,
// its first cell empty and one field more than the header. Users there are
// de-duplicated (smaller than the rows' sum): not additive, never compared.
export function ga4ExplorationGrandTotal(ds) {
  const doc = new Doc({ delimiter: ',' });
  for (const l of ['# ----------------------------------------', '# Free form 1', '# Account: Example Shop',
    '# Property: Example Shop – GA4', '# ----------------------------------------', '',
    `# Start date: ${compactDay(ds.firstDay)}`, `# End date: ${compactDay(ds.lastDay)}`]) doc.raw(l);
  const headerRow = doc.record(['Session source / medium', 'Date', 'Sessions', 'Engaged sessions', 'Total users',
    'New users', 'Views', 'Key events', 'Total revenue']);
  const tot = Object.fromEntries(ALL_WEB_METRICS.map((k) => [k, 0]));
  for (const r of ds.webRows) for (const k of ALL_WEB_METRICS) tot[k] += r[k];
  const money = (c) => fmtHundredths(c, { trim: true });
  const dedupUsers = Math.floor(tot.users * 0.7);
  const totalsLine = doc.record(['', 'Grand total', '', String(tot.sessions), String(tot.engaged_sessions), String(dedupUsers),
    String(Math.floor(tot.new_users * 0.7)), String(tot.views), fmtHundredths(tot.key_events, { trim: true }), money(tot.revenue)]);
  const rows = ga4Rows(doc, ds, false);
  return {
    name: 'ga4_exploration_grand_total_ragged.csv', bytes: utf8(doc.text()),
    expect: ga4Expect(ds, headerRow, rows, {
      excluded: [{ line: totalsLine, reason: 'Grand total' }],
      checks: [{ line: totalsLine, label: 'Grand total', matches: true, differing: [] }],
    }),
  };
}

// A plain daily sheet (date, campaign, five metrics) under `header`; with
// `summaryFirst` its first data row is the summary: no date, no campaign,
// figures for everything below.
function plainSheet(ds, header, name, { summaryFirst = false } = {}) {
  const doc = new Doc({ delimiter: ',' });
  const headerRow = doc.record(header);
  const sums = sumAds(ds.adRows);
  const metrics = (x) => [String(x.impressions), String(x.clicks), fmtHundredths(x.spend), fmtHundredths(x.conversions),
    fmtHundredths(x.conversion_value)];
  const line = summaryFirst ? doc.record(['', '', ...metrics(sums)]) : 0;
  const rows = [];
  for (const r of ds.adRows) {
    doc.record([r.date, r.campaign.name, ...metrics(r)]);
    rows.push(adExpect(r, { platform: 'generic' }));
  }
  return {
    name, bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'generic', encoding: 'utf-8', delimiter: ',', header_row: headerRow, currency: null,
      date_format: 'YYYY-MM-DD', rows,
      ...(summaryFirst ? { excluded: [{ line, reason: 'summary' }], checks: [{ line, matches: true, differing: [] }] } : {}) }),
  };
}

// 25. A generic daily sheet whose first data row is the summary.
export function genericEmptyDimensionSummaryFirst(ds) {
  return plainSheet(ds, ['date', 'campaign_name', 'impressions', 'clicks', 'spend', 'conversions', 'conversion_value'],
    'generic_summary_first.csv', { summaryFirst: true });
}

// Meta campaign-level exports in six languages, each ending with its
// localized totals row (the label in the campaign column, the whole range as dates).
const META_TOTALS = {
  en: { header: ['Reporting starts', 'Reporting ends', 'Campaign name', 'Impressions', 'Amount spent (USD)', 'Link clicks',
    'Purchases', 'Purchases conversion value'], label: 'Total results', currency: 'USD', dec: '.', delimiter: ',' },
  de: { header: ['Beginn der Berichterstattung', 'Ende der Berichterstattung', 'Kampagnenname', 'Impressionen',
    'Ausgegebener Betrag (EUR)', 'Link-Klicks', 'Käufe', 'Conversion-Wert für Käufe'], label: 'Gesamtergebnisse', currency: 'EUR', dec: ',', delimiter: ';' },
  fr: { header: ['Début des rapports', 'Fin des rapports', 'Nom de la campagne', 'Impressions', 'Montant dépensé (EUR)',
    'Clics sur un lien', 'Achats', 'Valeur de conversion des achats'], label: 'Résultats totaux', currency: 'EUR', dec: ',', delimiter: ';' },
  es: { header: ['Inicio del informe', 'Fin del informe', 'Nombre de la campaña', 'Impresiones', 'Importe gastado (EUR)',
    'Clics en el enlace', 'Compras', 'Valor de conversión de compras'], label: 'Resultados totales', currency: 'EUR', dec: ',', delimiter: ';' },
  pt: { header: ['Início dos relatórios', 'Término dos relatórios', 'Nome da campanha', 'Impressões', 'Valor usado (BRL)',
    'Cliques no link', 'Compras', 'Valor de conversão das compras'], label: 'Resultados totais', currency: 'BRL', dec: ',', delimiter: ';' },
  it: { header: ['Inizio dei report', 'Fine dei report', 'Nome della campagna', 'Impressioni', 'Importo speso (EUR)',
    'Clic sul link', 'Acquisti', 'Valore di conversione degli acquisti'], label: 'Risultati totali', currency: 'EUR', dec: ',', delimiter: ';' },
};

function metaLocalizedTotals(base, lang, { header: headerOverride, label: labelOverride, name } = {}) {
  const L = META_TOTALS[lang];
  const ds = withNames(base, TOTAL_LIKE_NAMES);
  const doc = new Doc({ delimiter: L.delimiter });
  const headerRow = doc.record(headerOverride ?? L.header);
  const money = (c) => fmtHundredths(c, { dec: L.dec });
  const rows = [];
  const sums = { impressions: 0, clicks: 0, spend: 0, conversions: 0, conversion_value: 0 };
  for (const r of ds.adRows) {
    doc.record([r.date, r.date, r.campaign.name, String(r.impressions), money(r.spend), String(r.clicks),
      String(r.purchases), money(r.purchaseValue)]);
    rows.push(adExpect(r, { platform: 'meta_ads', currency: L.currency, conversions: r.purchases * 100,
      conversionValue: r.purchaseValue }));
    sums.impressions += r.impressions; sums.clicks += r.clicks; sums.spend += r.spend;
    sums.conversions += r.purchases * 100; sums.conversion_value += r.purchaseValue;
  }
  const label = labelOverride ?? L.label;
  const line = doc.record([isoDay(ds.firstDay), isoDay(ds.lastDay), label, String(sums.impressions), money(sums.spend),
    String(sums.clicks), String(sums.conversions / 100), money(sums.conversion_value)]);
  return {
    name: name ?? `meta_${lang}_localized_totals.csv`, bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'meta_ads', encoding: 'utf-8', delimiter: L.delimiter, header_row: headerRow,
      currency: L.currency, date_format: 'YYYY-MM-DD', excluded: [{ line, reason: label }],
      checks: [expectCheck(line, label, sums, sums, ALL_AD_METRICS)], rows }),
  };
}
export const metaTotalsEn = (ds) => metaLocalizedTotals(ds, 'en');
export const metaTotalsDe = (ds) => metaLocalizedTotals(ds, 'de');
export const metaTotalsFr = (ds) => metaLocalizedTotals(ds, 'fr');
export const metaTotalsEs = (ds) => metaLocalizedTotals(ds, 'es');
export const metaTotalsPt = (ds) => metaLocalizedTotals(ds, 'pt');
export const metaTotalsIt = (ds) => metaLocalizedTotals(ds, 'it');

// 26. Meta's newer purchase columns, "with shared items".
export function metaSharedItems(ds) {
  const header = [...META_TOTALS.en.header];
  header[6] = 'Purchases with shared items';
  header[7] = 'Purchases conversion value for shared items only';
  return metaLocalizedTotals(ds, 'en', { header, name: 'meta_en_shared_items.csv' });
}

// 27. Meta German daily export with the reporting-range headers
// "Beginn der Berichterstattung" / "Ende der Berichterstattung" and the
// account row first (names blank, the whole range as dates).
export function metaDeDaily(ds) {
  const L = META_TOTALS.de;
  const doc = new Doc({ delimiter: ';' });
  const headerRow = doc.record(L.header);
  const money = (c) => fmtHundredths(c, { dec: ',' });
  let impressions = 0, clicks = 0, spend = 0, purchases = 0, value = 0;
  for (const r of ds.adRows) {
    impressions += r.impressions; clicks += r.clicks; spend += r.spend; purchases += r.purchases; value += r.purchaseValue;
  }
  const line = doc.record([isoDay(ds.firstDay), isoDay(ds.lastDay), '', String(impressions), money(spend), String(clicks),
    String(purchases), money(value)]);
  const rows = [];
  for (const r of ds.adRows) {
    doc.record([r.date, r.date, r.campaign.name, String(r.impressions), money(r.spend), String(r.clicks),
      String(r.purchases), money(r.purchaseValue)]);
    rows.push(adExpect(r, { platform: 'meta_ads', currency: 'EUR', conversions: r.purchases * 100,
      conversionValue: r.purchaseValue }));
  }
  return {
    name: 'meta_de_daily_berichterstattung.csv', bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'meta_ads', encoding: 'utf-8', delimiter: ';', header_row: headerRow,
      currency: 'EUR', date_format: 'YYYY-MM-DD', excluded: [{ line, reason: 'account summary' }],
      checks: [{ line, matches: true, differing: [] }], rows }),
  };
}

// 28. Plain headers of a warehouse extract: imps, conv, revenue.
export function warehousePlainHeaders(ds) {
  return plainSheet(ds, ['date', 'campaign', 'imps', 'clicks', 'cost', 'conv', 'revenue'], 'warehouse_plain_headers.csv');
}

// 29. The layout of a widely shared Facebook ad dataset: reporting_start /
// reporting_end (DD/MM/YYYY), Spent, Total_Conversion before Approved_Conversion.
export function sharedAdDataset(ds) {
  const doc = new Doc({ delimiter: ',' });
  const headerRow = doc.record(['ad_id', 'reporting_start', 'reporting_end', 'campaign_name', 'age', 'gender', 'Impressions',
    'Clicks', 'Spent', 'Total_Conversion', 'Approved_Conversion']);
  const dmy = (d) => { const p = dayParts(d); return `${pad2(p.d)}/${pad2(p.m)}/${p.y}`; };
  const rows = [];
  ds.adRows.forEach((r, i) => {
    doc.record([String(700000 + i), dmy(r.day), dmy(r.day), r.campaign.name, ['30-34', '35-39', '45-49'][i % 3], i % 2 ? 'M' : 'F',
      String(r.impressions), String(r.clicks), fmtHundredths(r.spend), String(r.purchases), String(Math.floor(r.purchases / 2))]);
    rows.push(adExpect(r, { platform: 'generic', conversions: r.purchases * 100 }));
  });
  return {
    name: 'shared_ad_dataset.csv', bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'generic', encoding: 'utf-8', delimiter: ',', header_row: headerRow, currency: null,
      date_format: 'DD/MM/YYYY', metrics: ['impressions', 'clicks', 'spend', 'conversions'], rows }),
  };
}

// 30. A duplicated header: "Currency code" and "Cost" twice, the second copies
// wrong; the first must be used and the repeat reported.
export function googleDuplicatedHeader(ds) {
  const doc = new Doc({ delimiter: ',' });
  const headerRow = doc.record(['Day', 'Campaign', 'Currency code', 'Impr.', 'Clicks', 'Cost', 'Conversions', 'Conv. value',
    'Currency code', 'Cost']);
  const rows = [];
  for (const r of ds.adRows) {
    doc.record([r.date, r.campaign.name, 'USD', String(r.impressions), String(r.clicks), fmtHundredths(r.spend),
      fmtHundredths(r.conversions), fmtHundredths(r.conversion_value), 'EUR', fmtHundredths(r.spend * 3)]);
    rows.push(adExpect(r, { platform: 'google_ads', currency: 'USD' }));
  }
  return {
    name: 'google_duplicated_header.csv', bytes: utf8(doc.text()),
    expect: baseExpect(ds, { platform: 'google_ads', encoding: 'utf-8', delimiter: ',', header_row: headerRow,
      currency: 'USD', date_format: 'YYYY-MM-DD', rows, diagnostics_include: ['appears twice (columns 3 and 9)', 'appears twice (columns 6 and 10)'] }),
  };
}

// 31. GA4 "Reports snapshot": three tables in one file, each under its own
// '#' block — a chart series (Nth day / Active users), the channel table
// (Session primary channel group / Sessions / Engaged sessions / Key events)
// and a page table (Page title and screen class / Views / Active users).
// The report must be made of the channel table; the others are listed.
export function ga4ReportsSnapshot(ds) {
  const doc = new Doc({ delimiter: ',' });
  const block = (title) => {
    for (const l of ['# ----------------------------------------', `# ${title}`, '# ----------------------------------------']) doc.raw(l);
  };
  block('Reports snapshot');
  doc.raw('# Account: Example Shop');
  doc.raw(`# Start date: ${compactDay(ds.firstDay)}`);
  doc.raw(`# End date: ${compactDay(ds.lastDay)}`);
  const chartHeader = doc.record(['Nth day', 'Active users']);
  for (let d = 0; d <= ds.lastDay; ++d) doc.record([String(d).padStart(4, '0'), String(100 + ((d * 37) % 50))]);
  doc.raw('');
  block('Session primary channel group (Default channel group)');
  const channelHeader = doc.record(['Session primary channel group (Default channel group)', 'Sessions', 'Engaged sessions', 'Key events']);
  const channels = ['Organic Search', 'Direct', 'Paid Search', 'Organic Social', 'Email', 'Referral', 'Unassigned'];
  const rows = [];
  channels.forEach((ch, i) => {
    const src = ds.webRows.filter((_, k) => k % channels.length === i);
    const sessions = src.reduce((a, r) => a + r.sessions, 0);
    const engaged = src.reduce((a, r) => a + r.engaged_sessions, 0);
    const keyEvents = src.reduce((a, r) => a + r.key_events, 0);
    doc.record([ch, String(sessions), String(engaged), fmtHundredths(keyEvents, { trim: true })]);
    rows.push({ date: null, platform: 'ga4', currency: null, source: ch, medium: '', sessions, engaged_sessions: engaged,
      users: 0, new_users: 0, views: 0, key_events: keyEvents, revenue: 0 });
  });
  doc.raw('');
  block('Views by Page title and screen class');
  const pageHeader = doc.record(['Page title and screen class', 'Views', 'Active users']);
  const pages = ['Home', 'Checkout', 'Product – Müsli', 'Cart'];
  pages.forEach((p, i) => doc.record([p, String(1000 * (i + 1) + 7), String(300 + i)]));
  return {
    name: 'ga4_reports_snapshot.csv', bytes: utf8(doc.text()),
    expect: {
      kind: 'web', platform: 'ga4', encoding: 'utf-8', bom: false, delimiter: ',', header_row: channelHeader,
      currency: null, date_format: null, metrics: ['sessions', 'engaged_sessions', 'key_events'],
      date_min: null, date_max: null, rows_without_date: rows.length,
      excluded: [], checks: [], rows,
      sections: [{ header_row: chartHeader, rows: ds.lastDay + 1, used: false },
        { header_row: channelHeader, rows: channels.length, used: true },
        { header_row: pageHeader, rows: pages.length, used: false }],
    },
  };
}

// The same layout with no table glint can read: an error, never a report of nulls.
export function multiTableNoKnownMetric() {
  const doc = new Doc({ delimiter: ',' });
  doc.raw('# Report');
  doc.record(['Country', 'Region']);
  doc.record(['Germany', 'Bavaria']);
  doc.raw('');
  doc.raw('# Second table');
  doc.record(['Browser', 'Version']);
  doc.record(['Chrome', '120']);
  return { name: 'two_tables_no_metric.csv', bytes: utf8(doc.text()) };
}

// 40. An export whose data rows all appear twice (a download appended to
// itself): each row counts once (expect.rows lists it once), with a warning;
// the totals row still matches the sum of the distinct rows.
export function googleDuplicatedRows(ds) {
  const { text, expect } = googleReport(ds, { lang: 'en', repeat: 2 });
  return { name: 'google_en_duplicated_rows.csv', bytes: utf8(text), expect: { ...expect, encoding: 'utf-8', bom: false, duplicates: expect.rows.length } };
}

// 41. Two exports of the same account whose days overlap (the whole window,
// then a newer download of its last 15 days): the overlap counts once.
export function overlappingExports(ds) {
  const a = googleReport(ds, { lang: 'en', preamble: false, totals: false });
  const b = googleReport(ds, { lang: 'en', preamble: false, totals: false, days: (d) => d >= WINDOW_DAYS - 15 });
  return {
    files: [
      { name: 'overlap_google_all.csv', bytes: utf8(a.text), expect: { ...a.expect, encoding: 'utf-8', bom: false } },
      { name: 'overlap_google_last15.csv', bytes: utf8(b.text), expect: { ...b.expect, encoding: 'utf-8', bom: false, date_min: isoDay(WINDOW_DAYS - 15) } },
    ],
    expect: { kind: 'ads', metrics: ALL_AD_METRICS, rows: a.expect.rows, currencies: ['USD'] },
    overlapDays: 15,
  };
}

// ---------------------------------------------------------------- all of them

export const GENERATORS = [
  ['google_en_excel_utf16le_tab', googleEnExcelUtf16],
  ['google_de_utf8bom_semicolon', googleDeSemicolon],
  ['google_fr_nbsp_grouping', googleFrNbsp],
  ['google_fr_narrow_nbsp_grouping', googleFrNarrowNbsp],
  ['google_en_utf16be_nobom_comma', googleUtf16beNoBom],
  ['meta_en', metaEn],
  ['meta_de', metaDe],
  ['meta_results_without_purchases', metaResultsOnly],
  ['ga4_traffic_acquisition', ga4TrafficAcquisition],
  ['tiktok_19_digit_ids', tiktok],
  ['linkedin_campaign_manager', linkedin],
  ['microsoft_advertising', microsoft],
  ['generic_snake_case_multi_platform', genericMultiPlatform],
  ['google_de_windows1252_euro', googleDeWindows1252],
  ['google_en_written_dates', googleWrittenDatesEn],
  ['google_fr_written_dates', googleWrittenDatesFr],
  ['google_en_pipe_separated', googlePipe],
  ['google_en_crlf_trailing_delimiter', googleCrlfTrailing],
  ['meta_en_campaign_level_region_name_NA', metaCampaignLevelRegionName],
  ['google_en_region_name_NA', googleRegionName],
  ['google_keywords_label_in_third_column', googleKeywordLaterLabel],
  ['adwords_dash_totals', googleDashTotals],
  ['google_singular_total', googleSingularTotal],
  ['ga4_exploration_grand_total_first_ragged', ga4ExplorationGrandTotal],
  ['generic_empty_dimension_summary_first', genericEmptyDimensionSummaryFirst],
  ['meta_en_localized_totals', metaTotalsEn],
  ['meta_de_localized_totals', metaTotalsDe],
  ['meta_fr_localized_totals', metaTotalsFr],
  ['meta_es_localized_totals', metaTotalsEs],
  ['meta_pt_localized_totals', metaTotalsPt],
  ['meta_it_localized_totals', metaTotalsIt],
  ['meta_en_shared_items', metaSharedItems],
  ['meta_de_daily_berichterstattung', metaDeDaily],
  ['warehouse_plain_headers', warehousePlainHeaders],
  ['shared_ad_dataset_plain_headers', sharedAdDataset],
  ['google_duplicated_header', googleDuplicatedHeader],
  ['ga4_reports_snapshot_three_tables', ga4ReportsSnapshot],
  ['google_en_duplicated_rows', googleDuplicatedRows],
];

// 16. Two files in one analysis: Google in USD and Meta in EUR.
export function multiCurrency(ds) {
  const a = googleEnExcelUtf16(ds);
  const b = metaDe(ds);
  return {
    files: [{ ...a, name: 'multi_google_usd.csv' }, { ...b, name: 'multi_meta_eur.csv' }],
    expect: { kind: 'ads', metrics: ALL_AD_METRICS, rows: [...a.expect.rows, ...b.expect.rows], currencies: ['EUR', 'USD'] },
  };
}
