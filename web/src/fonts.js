// Warms the browser's font cache while the page waits for a file. On Linux,
// the first text drawn in each family, size and weight costs Chromium a
// round trip to its browser process (FontCache → fontconfig): milliseconds
// each on a quiet machine, tens of milliseconds on a busy one, and a report
// uses some thirty of them — most of the first layout after a drop went
// there. So after start-up the page lays out, off screen and a few at a
// time, one span per family × size × weight its stylesheets use, then
// removes them. It draws nothing a person sees and changes no layout.
//
// The sizes and weights are those the stylesheets (style.css, styles/,
// connected/connected.css, uPlot's) declare, crossed, since which size meets
// which weight depends on inheritance. Keep them in step with the CSS: a
// size missing here is only slower, never wrong.

const FAMILIES = [
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
];
const SIZES = [10, 11, 11.5, 12, 12.5, 13, 13.5, 14, 14.5, 15, 16, 18, 19, 20, 21, 24, 25, 30];
const WEIGHTS = [400, 550, 600, 650, 700];
// Digits, letters and the signs the views write (arrows, separators, dashes),
// so a fallback font for any of them is found now too.
const SAMPLE = 'Ag 0123456789 ▲▼▬ › · – … ✕ → ✓ %';
// Spans laid out per task: each batch stays a short task even when every
// one is a new strike on a loaded machine.
const BATCH = 6;

const idle = (fn) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 1000 }) : setTimeout(fn, 16));

// Resolves once every span has been laid out (and removed).
export function warmFonts() {
  const fonts = [];
  for (const family of FAMILIES) for (const weight of WEIGHTS) for (const size of SIZES) fonts.push(`${weight} ${size}px ${family}`);
  const box = document.createElement('div');
  box.setAttribute('aria-hidden', 'true');
  // Laid out (so its text is shaped) but outside the viewport, unseen and unread.
  box.style.cssText = 'position:absolute;left:-10000px;top:0;width:1px;overflow:hidden;white-space:nowrap;visibility:hidden;pointer-events:none;contain:strict';
  document.body.append(box);
  return new Promise((resolve) => {
    let i = 0;
    const step = () => {
      for (const font of fonts.slice(i, i + BATCH)) {
        const span = document.createElement('span');
        span.style.font = font;
        span.textContent = SAMPLE;
        box.append(span);
      }
      i += BATCH;
      void box.offsetWidth; // lay out now, in this short task
      if (i < fonts.length) idle(step);
      else {
        box.remove();
        resolve();
      }
    };
    idle(step);
  });
}
