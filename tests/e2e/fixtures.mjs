// Exports the e2e tests upload, made here rather than kept in git: a Google
// Ads "CSV for Excel" download (UTF-16LE with BOM, tab-separated, a title and
// a date-range line, "Total:" footer rows), a Meta Ads Manager export
// ("Reporting starts"/"Reporting ends", "Amount spent (USD)") and a large
// generic CSV. The numbers are shaped so that every highlight type has
// something to say: a brand campaign far above the account's ROAS (grow), a
// costly generic campaign and a display campaign that never converts
// (optimize), a retargeting campaign whose conversions stop for the last three
// days (protect). Deterministic: the same bytes on every run.
import fs from 'node:fs';

export const FIRST_DAY = Date.UTC(2026, 1, 1); // 2026-02-01
export const DAYS = 70;
const DAY_MS = 86_400_000;

const iso = (d) => new Date(FIRST_DAY + d * DAY_MS).toISOString().slice(0, 10);
const longDate = (d) => new Date(FIRST_DAY + d * DAY_MS).toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

// mulberry32: a small seeded generator, so the fixtures never change.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cents = (x) => (Math.round(x * 100) / 100).toFixed(2);
const grouped = (n) => n.toLocaleString('en-US');
const groupedMoney = (x) => Number(cents(x)).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// Per day: impressions, clicks, spend, conversions, value for one campaign.
function series(seed, { imp, ctr, cpc, cvr, aov, growth = 0, stopLast = 0 }) {
  const r = rng(seed);
  const out = [];
  for (let d = 0; d < DAYS; d++) {
    const trend = 1 + growth * (d / DAYS);
    const weekday = [0.85, 1.05, 1.1, 1.08, 1.04, 0.95, 0.8][d % 7];
    const impressions = Math.round(imp * trend * weekday * (0.9 + 0.2 * r()));
    const clicks = Math.round(impressions * ctr * (0.92 + 0.16 * r()));
    const spend = clicks * cpc * (0.94 + 0.12 * r());
    let conversions = cvr === 0 ? 0 : Math.round(clicks * cvr * (0.85 + 0.3 * r()));
    if (d >= DAYS - stopLast) conversions = 0;
    const value = conversions * aov * (0.9 + 0.2 * r());
    out.push({ day: d, impressions, clicks, spend, conversions, value });
  }
  return out;
}

export const GOOGLE_CAMPAIGNS = [
  { name: 'Brand Search', id: '20481001', p: { imp: 9000, ctr: 0.085, cpc: 0.42, cvr: 0.11, aov: 95, growth: 0.35 } },
  { name: 'Generic – Running Shoes', id: '20481002', p: { imp: 42000, ctr: 0.021, cpc: 1.35, cvr: 0.012, aov: 88 } },
  { name: 'Shopping – All Products', id: '20481003', p: { imp: 30000, ctr: 0.016, cpc: 0.7, cvr: 0.035, aov: 76 } },
  { name: 'Display Awareness', id: '20481004', p: { imp: 160000, ctr: 0.0022, cpc: 0.38, cvr: 0 } },
];
export const META_CAMPAIGNS = [
  { name: 'Prospecting – Video', p: { imp: 60000, ctr: 0.009, cpc: 0.9, cvr: 0.02, aov: 70 } },
  { name: 'Retargeting – Cart', p: { imp: 14000, ctr: 0.016, cpc: 0.85, cvr: 0.09, aov: 82, stopLast: 3 } },
  { name: 'Lookalike 1% – Purchasers', p: { imp: 38000, ctr: 0.011, cpc: 0.8, cvr: 0.03, aov: 74, growth: -0.2 } },
];

function utf16leWithBom(text) {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

// Google Ads → Reports → Download → "CSV for Excel".
export function googleAdsExcelExport() {
  const lines = ['Campaign report', `${longDate(0)} - ${longDate(DAYS - 1)}`,
    ['Day', 'Campaign', 'Campaign ID', 'Currency code', 'Impr.', 'Clicks', 'Cost', 'Conversions', 'Conv. value'].join('\t')];
  const sums = { impressions: 0, clicks: 0, spend: 0, conversions: 0, value: 0 };
  GOOGLE_CAMPAIGNS.forEach((c, i) => {
    for (const s of series(1000 + i, c.p)) {
      const spend = cents(s.spend), value = cents(s.value);
      lines.push([iso(s.day), c.name, c.id, 'USD', grouped(s.impressions), grouped(s.clicks), groupedMoney(s.spend),
        s.conversions.toFixed(2), groupedMoney(s.value)].join('\t'));
      sums.impressions += s.impressions; sums.clicks += s.clicks; sums.spend += Number(spend);
      sums.conversions += s.conversions; sums.value += Number(value);
    }
  });
  for (const label of ['Total: Account', 'Total: Search campaigns', 'Total: Campaigns']) {
    lines.push([label, '--', '--', 'USD', grouped(sums.impressions), grouped(sums.clicks), groupedMoney(sums.spend),
      sums.conversions.toFixed(2), groupedMoney(sums.value)].join('\t'));
  }
  return utf16leWithBom(lines.join('\r\n') + '\r\n');
}

// Meta Ads Manager → Export table data (.csv), broken down by day.
export function metaAdsExport() {
  const q = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = ['Reporting starts', 'Reporting ends', 'Campaign name', 'Campaign delivery', 'Impressions', 'Reach',
    'Amount spent (USD)', 'Link clicks', 'Results', 'Result indicator', 'Purchases', 'Purchases conversion value',
    'Attribution setting'];
  const lines = [header.map(q).join(',')];
  META_CAMPAIGNS.forEach((c, i) => {
    for (const s of series(2000 + i, c.p)) {
      const d = iso(s.day);
      const purchases = s.conversions === 0 ? '' : String(s.conversions);
      lines.push([d, d, c.name, 'active', String(s.impressions), String(Math.round(s.impressions * 0.62)), cents(s.spend),
        String(s.clicks), purchases, 'actions:offsite_conversion.fb_pixel_purchase', purchases,
        s.conversions === 0 ? '' : cents(s.value), '7-day click or 1-day view'].map(q).join(','));
    }
  });
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

// A generic CSV of about `bytes` bytes: a year of days × 120 campaigns, with
// as many rows per day and campaign (ad-group slices) as the size needs.
// Written in blocks so the generator never holds the file in memory; reused
// when a file of the same version already exists.
export function writeLargeCsv(file, bytes) {
  const stamp = `${file}.v1-${bytes}`;
  if (fs.existsSync(file) && fs.existsSync(stamp)) return file;
  const fd = fs.openSync(file, 'w');
  let written = 0;
  const head = 'date,platform,campaign_id,campaign_name,ad_group,impressions,clicks,spend,conversions,conversion_value,currency\n';
  fs.writeSync(fd, head);
  written += head.length;
  const r = rng(7);
  const campaigns = Array.from({ length: 120 }, (_, i) => ({
    id: String(300000 + i), name: `Campaign ${String(i + 1).padStart(3, '0')} – ${['Search', 'Shopping', 'Display', 'Video'][i % 4]}`,
    platform: i % 3 === 0 ? 'meta_ads' : 'google_ads', quality: 0.5 + r(),
  }));
  const days = 365;
  let slice = 0;
  while (written < bytes) {
    let block = '';
    for (let d = 0; d < days && written + block.length < bytes; d++) {
      const date = new Date(Date.UTC(2025, 0, 1) + d * DAY_MS).toISOString().slice(0, 10);
      for (const c of campaigns) {
        const imp = 200 + Math.floor(r() * 4000);
        const clicks = Math.floor(imp * (0.005 + 0.03 * r()));
        const spend = (clicks * (0.3 + 1.2 * r())).toFixed(2);
        const conv = Math.floor(clicks * 0.06 * c.quality * r());
        const value = (conv * (40 + 60 * r())).toFixed(2);
        block += `${date},${c.platform},${c.id},${c.name},Ad group ${slice},${imp},${clicks},${spend},${conv},${value},USD\n`;
      }
    }
    fs.writeSync(fd, block);
    written += Buffer.byteLength(block);
    slice++;
  }
  fs.closeSync(fd);
  fs.writeFileSync(stamp, '');
  return file;
}

// Event rows for a funnel: 200 users through visit → product → cart →
// checkout → purchase, some dropping out at each step, with an unrelated
// "Scroll" event in between.
export function funnelEvents() {
  const r = rng(11);
  const steps = ['Visit', 'View Product', 'Add to Cart', 'Checkout', 'Purchase'];
  const keep = [1, 0.7, 0.45, 0.6, 0.75];
  const lines = ['user_id,event,timestamp,source'];
  for (let u = 1; u <= 200; u++) {
    let t = Date.UTC(2026, 2, 1, 8) + Math.floor(r() * 20 * DAY_MS);
    const source = ['google', 'facebook', 'newsletter'][u % 3];
    for (let k = 0; k < steps.length; k++) {
      if (r() > keep[k]) break;
      t += Math.floor((1 + r() * 30) * 60_000);
      lines.push(`u${u},${steps[k]},${new Date(t).toISOString().replace('T', ' ').slice(0, 19)},${source}`);
      if (r() < 0.2) lines.push(`u${u},Scroll,${new Date(t + 5000).toISOString().replace('T', ' ').slice(0, 19)},${source}`);
    }
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

// Touchpoint rows for attribution: journeys over four channels, some ending
// in a conversion with a value.
export function journeys() {
  const r = rng(13);
  const channels = ['google', 'facebook', 'email', 'tiktok'];
  const lines = ['user_id,timestamp,channel,converted,revenue'];
  for (let u = 1; u <= 150; u++) {
    let t = Date.UTC(2026, 2, 1) + Math.floor(r() * 10 * DAY_MS);
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      t += Math.floor(r() * 2 * DAY_MS);
      const last = k === n - 1;
      const converted = last && r() < 0.45;
      lines.push(`v${u},${new Date(t).toISOString().replace('T', ' ').slice(0, 19)},${channels[Math.floor(r() * channels.length)]},${converted ? 1 : 0},${converted ? (20 + r() * 180).toFixed(2) : ''}`);
    }
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}
