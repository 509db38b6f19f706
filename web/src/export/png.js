// The trend chart as a PNG a person can paste into a deck: uPlot's own
// <canvas>, with the chart's title, what it shows and its legend (colour,
// label, value as the page shows it) drawn above it on a new canvas. All in
// the page: the image comes from canvas.toBlob, nothing is fetched.

// chartCanvas: the uPlot canvas; title, subtitle: text; legend: [{color, label, value}].
export function chartPng(chartCanvas, { title = '', subtitle = '', legend = [], background = '#ffffff', ink = '#1a2130', muted = '#586173' } = {}) {
  const scale = chartCanvas.width / Math.max(1, chartCanvas.clientWidth || chartCanvas.width);
  const pad = 16 * scale;
  const font = (px, weight = 400) => `${weight} ${px * scale}px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif`;
  const head = (title ? 26 : 0) + (subtitle ? 20 : 0) + (legend.length ? 24 : 0);
  const out = document.createElement('canvas');
  out.width = chartCanvas.width + 2 * pad;
  out.height = chartCanvas.height + head * scale + 2 * pad;
  const ctx = out.getContext('2d');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.textBaseline = 'top';
  let y = pad;
  if (title) {
    ctx.fillStyle = ink;
    ctx.font = font(17, 650);
    ctx.fillText(title, pad, y);
    y += 26 * scale;
  }
  if (subtitle) {
    ctx.fillStyle = muted;
    ctx.font = font(13);
    ctx.fillText(subtitle, pad, y, out.width - 2 * pad);
    y += 20 * scale;
  }
  if (legend.length) {
    let x = pad;
    ctx.font = font(13);
    for (const item of legend) {
      if (item.color) {
        ctx.fillStyle = item.color;
        ctx.fillRect(x, y + 6 * scale, 12 * scale, 3 * scale);
        x += 18 * scale;
      }
      ctx.fillStyle = ink;
      const text = item.value ? `${item.label} ${item.value}` : item.label;
      ctx.fillText(text, x, y);
      x += ctx.measureText(text).width + 18 * scale;
    }
    y += 24 * scale;
  }
  ctx.drawImage(chartCanvas, pad, y);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('The chart could not be turned into an image.'))), 'image/png'));
}
