// How the page writes core's numbers. Formatting only: every value passed in
// comes from a core response as it is; nothing here adds, divides or rounds
// for meaning (Intl rounds for display). The e2e tests import this module to
// format core's figures the same way and compare them with the page.

// The browser's language writes the numbers (core is asked for the same
// locale, so its sentences agree); outside a browser, en-US.
export const LOCALE = (typeof navigator !== 'undefined' && navigator.language) || 'en-US';
const cache = new Map();
function nf(key, options) {
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, options);
    cache.set(key, f);
  }
  return f;
}

// ISO 4217 minor units as core's report states them (format.minor_units):
// JPY, KRW, IDR, CLP none. Intl's own table is used for any other currency.
const minorUnits = new Map();
export function setMinorUnits(table) {
  for (const [code, n] of Object.entries(table ?? {})) minorUnits.set(code, n);
}

export const DASH = '–';
const missing = (v) => v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));

export function integer(v) {
  return missing(v) ? DASH : nf('int', { maximumFractionDigits: 0 }).format(v);
}

// Counts that may be fractional (Google Ads' data-driven conversions).
export function count(v) {
  return missing(v) ? DASH : nf('count', { maximumFractionDigits: 2 }).format(v);
}

export function decimal(v, digits = 2) {
  return missing(v) ? DASH : nf(`dec${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

// Money in the data's currency (an ISO code) or, when the data does not say,
// as a plain two-decimal number.
export function money(v, currency = null) {
  if (missing(v)) return DASH;
  if (!currency) return decimal(v, 2);
  const digits = minorUnits.get(currency);
  try {
    const options = digits === undefined ? { style: 'currency', currency }
      : { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits };
    return nf(`money-${currency}-${digits ?? ''}`, options).format(v);
  } catch {
    return `${decimal(v, digits ?? 2)} ${currency}`;
  }
}

// Ratios are fractions in core's data (0.032 → 3.20%).
export function percent(v, digits = 2) {
  return missing(v) ? DASH : nf(`pct${digits}`, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

export function multiple(v) {
  return missing(v) ? DASH : `${decimal(v, 2)}x`;
}

// A change as core reports it: a fraction for counts and money, a difference
// of fractions ("points") for rates.
export function changeFraction(v) {
  if (missing(v)) return DASH;
  // Changes under 1% keep two decimals, so a small move never reads as "0.0%".
  const digits = Math.abs(v) < 0.01 ? 2 : 1;
  return nf(`chg${digits}`, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'exceptZero' }).format(v);
}

export function changePoints(v) {
  if (missing(v)) return DASH;
  return nf('pts', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' }).format(v).replace('%', ' pts');
}

export function signedMoney(v, currency = null) {
  if (missing(v)) return DASH;
  const s = money(v, currency);
  return v > 0 ? `+${s}` : s;
}

export function bytes(n) {
  if (missing(n)) return DASH;
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${decimal(n / 1e3, 1)} kB`;
  if (n < 1e9) return `${decimal(n / 1e6, 1)} MB`;
  return `${decimal(n / 1e9, 2)} GB`;
}

const dateFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
const dayMonth = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

// "2026-03-13" → "Mar 13, 2026" (dates are calendar days: read as UTC).
export function date(iso) {
  if (!iso) return DASH;
  return dateFormat.format(new Date(`${iso}T00:00:00Z`));
}

export function dateRange(start, end) {
  if (!start || !end) return DASH;
  if (start.slice(0, 4) === end.slice(0, 4)) return `${dayMonth.format(new Date(`${start}T00:00:00Z`))} – ${date(end)}`;
  return `${date(start)} – ${date(end)}`;
}

export const PLATFORMS = {
  google_ads: 'Google Ads',
  meta_ads: 'Meta Ads',
  ga4: 'GA4',
  tiktok_ads: 'TikTok Ads',
  linkedin_ads: 'LinkedIn Ads',
  microsoft_ads: 'Microsoft Ads',
  generic: 'Other',
};
export const platformName = (p) => PLATFORMS[p] ?? (p ? String(p) : 'Other');

// The canonical metrics: label, how to write them, which direction is good
// ('up', 'down' or null for neither), and whether a change is in points.
export const METRICS = {
  spend: { label: 'Spend', kind: 'money', good: null },
  impressions: { label: 'Impressions', kind: 'integer', good: 'up' },
  reach: { label: 'Reach', kind: 'integer', good: 'up', note: 'sum of the rows’ reach, not de-duplicated' },
  clicks: { label: 'Clicks', kind: 'integer', good: 'up' },
  ctr: { label: 'CTR', kind: 'percent', good: 'up', points: true, title: 'click-through rate: clicks / impressions' },
  cpc: { label: 'CPC', kind: 'money', good: 'down', title: 'cost per click: spend / clicks' },
  cpm: { label: 'CPM', kind: 'money', good: 'down', title: 'cost per 1,000 impressions' },
  conversions: { label: 'Conversions', kind: 'count', good: 'up' },
  cvr: { label: 'Conv. rate', kind: 'percent', good: 'up', points: true, title: 'conversion rate: conversions / clicks' },
  cpa: { label: 'CPA', kind: 'money', good: 'down', title: 'cost per acquisition: spend / conversions' },
  conversion_value: { label: 'Revenue', kind: 'money', good: 'up', title: 'conversion value' },
  roas: { label: 'ROAS', kind: 'multiple', good: 'up', title: 'return on ad spend: revenue / spend' },
  video_views: { label: 'Video views', kind: 'integer', good: 'up' },
  sessions: { label: 'Sessions', kind: 'integer', good: 'up' },
  engaged_sessions: { label: 'Engaged sessions', kind: 'integer', good: 'up' },
  engagement_rate: { label: 'Engagement rate', kind: 'percent', good: 'up', points: true },
  users: { label: 'Users', kind: 'integer', good: 'up', note: 'sum of the rows’ users, not de-duplicated' },
  new_users: { label: 'New users', kind: 'integer', good: 'up' },
  views: { label: 'Views', kind: 'integer', good: 'up' },
  key_events: { label: 'Key events', kind: 'count', good: 'up' },
  key_event_rate: { label: 'Key event rate', kind: 'percent', good: 'up', points: true },
  revenue: { label: 'Revenue', kind: 'money', good: 'up' },
  revenue_per_session: { label: 'Revenue / session', kind: 'money', good: 'up' },
};

// In the order a marketer reads them: money and results first, then reach.
export const AD_METRICS = ['spend', 'conversion_value', 'roas', 'conversions', 'cpa', 'cvr', 'clicks', 'ctr', 'cpc',
  'impressions', 'cpm', 'reach', 'video_views'];
export const WEB_METRICS = ['sessions', 'engaged_sessions', 'engagement_rate', 'users', 'new_users', 'views', 'key_events',
  'key_event_rate', 'revenue', 'revenue_per_session'];

// One metric's value as the page writes it.
export function metric(key, v, currency = null) {
  const m = METRICS[key];
  switch (m ? m.kind : 'count') {
    case 'money': return money(v, currency);
    case 'integer': return integer(v);
    case 'percent': return percent(v);
    case 'multiple': return multiple(v);
    default: return count(v);
  }
}

// A metric's change between periods as the page writes it.
export function metricChange(key, change, points) {
  return METRICS[key]?.points ? changePoints(points) : changeFraction(change);
}

// "FIX_TRACKING" → "Fix tracking".
export function actionName(a) {
  const s = String(a ?? '').toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// A column of a CSV file: quoted when it must be.
export function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// A table as a CSV file's text for this locale (delimiter, decimal mark),
// numbers rounded to their unit and text cells injection-safe: see export/csv.js.
// The columns' kinds come from METRICS, plus the plan's money columns.
import { toCsv } from './export/csv.js';
const CSV_KINDS = { expected_impact: 'money', current_spend: 'money', proposed_spend: 'money', change: 'money', projected_revenue: 'money', change_fraction: 'ratio' };
export function csv(header, rows) {
  const kinds = { ...CSV_KINDS };
  for (const [k, m] of Object.entries(METRICS)) kinds[k] = m.kind === 'percent' || m.kind === 'multiple' ? 'ratio' : m.kind;
  const units = (code) => {
    if (!code) return undefined;
    if (minorUnits.has(code)) return minorUnits.get(code);
    try { return new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits; } catch { return undefined; }
  };
  return toCsv(header, rows, { locale: LOCALE, kinds, minorUnits: units });
}
