// The export the worker makes up at start-up to warm the engine with (see
// warmUp in worker.js): never shown, never kept, never sent. Its only job is
// to take a dropped file's path through core — a UTF-8 CSV with dates,
// platforms, campaigns, ad groups and ads, some names quoted — so that V8
// compiles those wasm functions while the page waits for a file, not after
// the drop. The figures in it mean nothing; the same bytes every time.

const HEADER = 'date,platform,campaign_id,campaign_name,ad_group,ad,impressions,clicks,spend,conversions,conversion_value\n';
const PLATFORMS = ['google_ads', 'meta_ads', 'tiktok_ads', 'linkedin_ads'];
const DAYS = 90;
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2026, 0, 1);

// `rows` rows over 90 days, 40 campaigns on four platforms.
export function sampleExport(rows) {
  let seed = 0x2545f491;
  const next = () => {
    // xorshift32: fixed, cheap, no Math.random (the bytes never change).
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed;
  };
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const day = Math.floor((i * DAYS) / rows);
    const ad = next() % 400;
    const campaign = Math.floor(ad / 10);
    const group = Math.floor(ad / 2);
    const name = campaign % 10 === 3 ? `"Brand, ""Search"" ${campaign}"` : `Campaign ${campaign} Prospecting`;
    const impressions = 100 + (next() % 9900);
    const clicks = next() % (Math.floor(impressions / 20) + 1);
    const cents = clicks * (20 + (next() % 180));
    const conversions = (next() % (Math.floor(clicks / 4) + 1)) / 2;
    const value = Math.round(conversions * (500 + (next() % 4000)));
    const date = new Date(FIRST_DAY + day * DAY_MS).toISOString().slice(0, 10);
    lines.push(`${date},${PLATFORMS[campaign % 4]},${1000 + campaign},${name},Ad group ${group},Ad ${ad},${impressions},${clicks},${(cents / 100).toFixed(2)},${conversions},${(value / 100).toFixed(2)}\n`);
  }
  return new TextEncoder().encode(lines.join(''));
}
