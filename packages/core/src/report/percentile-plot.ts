/** One line of a percentile-distribution plot. */
export interface PercentileSeries {
  readonly label: string;
  /** Points (percentile 0-100, latency ns), ascending percentile. */
  readonly points: readonly { readonly percentile: number; readonly valueNs: number }[];
}

/** Plot geometry shared by the SVG and PDF renderers (unit square, origin bottom-left). */
export interface PlotModel {
  readonly xTicks: readonly { readonly x: number; readonly label: string }[];
  readonly yTicks: readonly { readonly y: number; readonly label: string }[];
  readonly lines: readonly { readonly label: string; readonly color: string; readonly xy: readonly (readonly [number, number])[] }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];
const X_TICKS = [0, 90, 99, 99.9, 99.99, 99.999];

/** HdrHistogram's x axis: 1/(1 − p) on a log scale, so each extra nine gets equal width. */
function xOf(percentile: number, maxNines: number): number {
  const p = Math.min(percentile, 100 - 10 ** -maxNines * 100) / 100;
  return Math.log10(1 / (1 - p)) / maxNines;
}

function formatNs(ns: number): string {
  if (ns >= 1e9) return `${+(ns / 1e9).toPrecision(3)} s`;
  if (ns >= 1e6) return `${+(ns / 1e6).toPrecision(3)} ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toPrecision(3)} µs`;
  return `${Math.round(ns)} ns`;
}

/** Lays out a percentile-distribution plot: log x (nines), log y (latency). */
export function percentilePlotModel(series: readonly PercentileSeries[]): PlotModel {
  let lo = Infinity;
  let hi = 0;
  let maxPct = 99;
  for (const s of series)
    for (const p of s.points) {
      if (p.valueNs > 0) lo = Math.min(lo, p.valueNs);
      hi = Math.max(hi, p.valueNs);
      maxPct = Math.max(maxPct, Math.min(p.percentile, 99.999));
    }
  if (!Number.isFinite(lo) || hi <= 0) {
    lo = 1e3;
    hi = 1e6;
  }
  const maxNines = Math.max(2, Math.ceil(Math.log10(1 / (1 - maxPct / 100)) - 1e-9));
  const yLo = Math.floor(Math.log10(lo));
  const yHi = Math.max(yLo + 1, Math.ceil(Math.log10(hi)));
  const yOf = (ns: number): number => (Math.log10(Math.max(ns, 10 ** yLo)) - yLo) / (yHi - yLo);
  const yTicks: { y: number; label: string }[] = [];
  for (let e = yLo; e <= yHi; e++) yTicks.push({ y: (e - yLo) / (yHi - yLo), label: formatNs(10 ** e) });
  return {
    xTicks: X_TICKS.filter((p) => p === 0 || Math.log10(1 / (1 - p / 100)) <= maxNines + 1e-9).map((p) => ({ x: xOf(p, maxNines), label: `${p}%` })),
    yTicks,
    lines: series.map((s, i) => ({
      label: s.label,
      color: COLORS[i % COLORS.length]!,
      xy: s.points.filter((p) => p.percentile <= 100).map((p) => [xOf(p.percentile, maxNines), yOf(p.valueNs)] as const),
    })),
  };
}

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders the plot as a standalone SVG (for the markdown report). */
export function percentilePlotSvg(series: readonly PercentileSeries[], title: string, width = 720, height = 420): string {
  const m = percentilePlotModel(series);
  const L = 70;
  const R = 170;
  const T = 30;
  const B = 40;
  const pw = width - L - R;
  const ph = height - T - B;
  const X = (x: number): number => L + x * pw;
  const Y = (y: number): number => T + (1 - y) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${L}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of m.xTicks) parts.push(`<line x1="${X(t.x)}" y1="${T}" x2="${X(t.x)}" y2="${T + ph}" stroke="#ddd"/><text x="${X(t.x)}" y="${T + ph + 16}" text-anchor="middle">${esc(t.label)}</text>`);
  for (const t of m.yTicks) parts.push(`<line x1="${L}" y1="${Y(t.y)}" x2="${L + pw}" y2="${Y(t.y)}" stroke="#ddd"/><text x="${L - 6}" y="${Y(t.y) + 4}" text-anchor="end">${esc(t.label)}</text>`);
  parts.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${L + pw / 2}" y="${height - 6}" text-anchor="middle">percentile (log scale of 1/(1-p))</text>`);
  m.lines.forEach((line, i) => {
    if (line.xy.length > 0) parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="1.8" points="${line.xy.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ')}"/>`);
    parts.push(`<rect x="${L + pw + 12}" y="${T + i * 18}" width="12" height="3" fill="${line.color}"/><text x="${L + pw + 30}" y="${T + i * 18 + 5}">${esc(line.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The subset of a pdfkit document the PDF renderer draws with. */
export interface PdfCanvas {
  moveTo(x: number, y: number): this;
  lineTo(x: number, y: number): this;
  rect(x: number, y: number, w: number, h: number): this;
  stroke(color?: string): this;
  fill(color?: string): this;
  lineWidth(w: number): this;
  fontSize(size: number): this;
  fillColor(color: string): this;
  strokeColor(color: string): this;
  text(text: string, x?: number, y?: number, options?: object): this;
}

/** Draws the plot into a pdfkit document at (x, y) with the given size, as vector lines. */
export function drawPercentilePlotPdf(doc: PdfCanvas, series: readonly PercentileSeries[], x: number, y: number, width: number, height: number): void {
  const m = percentilePlotModel(series);
  const L = x + 55;
  const pw = width - 55 - 120;
  const T = y;
  const ph = height - 30;
  const X = (u: number): number => L + u * pw;
  const Y = (v: number): number => T + (1 - v) * ph;
  doc.lineWidth(0.5).fontSize(7).fillColor('#333');
  for (const t of m.xTicks) {
    doc.moveTo(X(t.x), T).lineTo(X(t.x), T + ph).stroke('#dddddd');
    doc.fillColor('#333').text(t.label, X(t.x) - 20, T + ph + 4, { width: 40, align: 'center' });
  }
  for (const t of m.yTicks) {
    doc.moveTo(L, Y(t.y)).lineTo(L + pw, Y(t.y)).stroke('#dddddd');
    doc.fillColor('#333').text(t.label, x, Y(t.y) - 3, { width: 50, align: 'right' });
  }
  doc.rect(L, T, pw, ph).stroke('#333333');
  m.lines.forEach((line, i) => {
    doc.lineWidth(1.2);
    line.xy.forEach(([u, v], k) => (k === 0 ? doc.moveTo(X(u), Y(v)) : doc.lineTo(X(u), Y(v))));
    if (line.xy.length > 0) doc.stroke(line.color);
    doc.rect(L + pw + 8, T + i * 12, 10, 3).fill(line.color);
    doc.fillColor('#333').fontSize(7).text(line.label, L + pw + 22, T + i * 12 - 2, { width: 100 });
  });
  doc.lineWidth(1).fillColor('black').strokeColor('black');
}
