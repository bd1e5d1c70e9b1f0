import { createWriteStream } from 'node:fs';
import PDFDocument from 'pdfkit';
import { SEVERITIES, bySeverity, type AuditArea, type CheckResult, type Finding, type Severity } from '../host-audit/finding.js';
import { drawPercentilePlotPdf, percentilePlotSvg, type PdfCanvas, type PercentileSeries } from './percentile-plot.js';

/** One row of the signing-path latency table (one signer at one burst multiplier). */
export interface LatencyRow {
  readonly name: string;
  readonly multiplier: number;
  readonly targetTps: number;
  readonly achievedTps: number;
  readonly count: number;
  readonly errors: number;
  readonly p50Ns: number;
  readonly p90Ns: number;
  readonly p99Ns: number;
  readonly p999Ns: number;
  readonly maxNs: number;
  /** True when the target rate could not be offered. */
  readonly rateShortfall: boolean;
}

/** Everything a report shows. */
export interface AuditReportInput {
  readonly title: string;
  readonly generatedAtEpochUs: number;
  readonly hostname: string;
  readonly host: readonly CheckResult[];
  readonly latency?: { readonly rows: readonly LatencyRow[]; readonly distribution: readonly PercentileSeries[] };
  readonly failover: readonly CheckResult[];
  readonly observability: readonly CheckResult[];
  /** Raw measurements for the appendix (name → value). */
  readonly appendix: Readonly<Record<string, string | number | boolean | null>>;
}

/** Report sections, in order; the markdown and the PDF both follow it. */
export const REPORT_SECTIONS = [
  'Executive summary',
  'Signing-path latency',
  'CPU and NUMA',
  'Kernel',
  'Failover and circuit breakers',
  'Observability gaps',
  'Remediation roadmap',
  'Appendix: raw measurements',
] as const;

const SECTION_AREAS: Record<string, readonly AuditArea[]> = {
  'CPU and NUMA': ['cpu', 'irq', 'numa', 'memory'],
  Kernel: ['kernel', 'network', 'clock', 'runtime'],
};

function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

const cell = (s: string | number): string => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function findingsOf(results: readonly CheckResult[]): Finding[] {
  return results.filter((r): r is Finding => r.status === 'finding');
}

/** All results of the report, most severe first. */
export function allResults(input: AuditReportInput): CheckResult[] {
  return [...input.host, ...input.failover, ...input.observability, ...latencyFindings(input)].sort(bySeverity);
}

/** Findings derived from the load replay: a tail that collapses under burst, a rate that could not be offered. */
export function latencyFindings(input: AuditReportInput): Finding[] {
  const rows = input.latency?.rows ?? [];
  const out: Finding[] = [];
  const names = [...new Set(rows.map((r) => r.name))];
  for (const name of names) {
    const mine = rows.filter((r) => r.name === name).sort((a, b) => a.multiplier - b.multiplier);
    const base = mine[0];
    const top = mine[mine.length - 1];
    if (base === undefined || top === undefined || base === top) continue;
    const ratio = top.p99Ns / Math.max(1, base.p99Ns);
    const ev = { [`p99 at ${base.multiplier}x`]: fmtNs(base.p99Ns), [`p99 at ${top.multiplier}x`]: fmtNs(top.p99Ns), ratio: Number(ratio.toFixed(1)) };
    if (ratio > 10)
      out.push({ id: `latency.burst.${name}`, area: 'latency', status: 'finding', severity: 'high', title: `${name}: p99 grows ${ratio.toFixed(0)}x at ${top.multiplier}x burst`, evidence: ev,
        impact: 'The path queues under burst: orders sent during a busy second wait behind each other.',
        remediation: 'Find the serialisation point (event-loop work, a single signer, the threadpool); move signing off the engine thread or add capacity; re-run the replay.' });
    else if (ratio > 3)
      out.push({ id: `latency.burst.${name}`, area: 'latency', status: 'finding', severity: 'medium', title: `${name}: p99 grows ${ratio.toFixed(1)}x at ${top.multiplier}x burst`, evidence: ev,
        impact: 'Tail latency rises with load before throughput runs out.', remediation: 'Check runtime_event_loop_delay and GC pauses during the burst.' });
    else out.push({ id: `latency.burst.${name}`, area: 'latency', status: 'finding', severity: 'info', title: `${name}: p99 holds under ${top.multiplier}x burst (${ratio.toFixed(1)}x)`, evidence: ev, impact: 'None.', remediation: 'None.' });
    const short = mine.filter((r) => r.rateShortfall);
    if (short.length > 0)
      out.push({ id: `latency.rate.${name}`, area: 'latency', status: 'finding', severity: 'medium', title: `${name}: the target rate could not be offered at ${short.map((r) => `${r.multiplier}x`).join(', ')}`,
        evidence: Object.fromEntries(short.map((r) => [`${r.multiplier}x target/achieved TPS`, `${r.targetTps}/${Math.round(r.achievedTps)}`])),
        impact: 'The path saturates below the burst the desk must absorb.', remediation: 'Raise capacity or lower the burst the engine accepts; measure again.' });
  }
  return out;
}

function countsBySeverity(results: readonly CheckResult[]): Record<Severity, number> {
  const c = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findingsOf(results)) c[f.severity]++;
  return c;
}

function findingsTable(results: readonly CheckResult[]): string {
  const rows = [...results].sort(bySeverity);
  if (rows.length === 0) return '_Nothing checked._\n';
  const lines = ['| severity | id | finding | evidence |', '|---|---|---|---|'];
  for (const r of rows) {
    if (r.status === 'finding') {
      const ev = Object.entries(r.evidence).map(([k, v]) => `${k}=${v}`).join('; ');
      lines.push(`| ${r.severity} | \`${r.id}\` | ${cell(r.title)} | ${cell(ev)} |`);
    } else lines.push(`| n/a | \`${r.id}\` | not applicable: ${cell(r.reason)} | |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Renders the report as markdown (the plot embedded as inline SVG). */
export function renderAuditMarkdown(input: AuditReportInput): string {
  const results = allResults(input);
  const counts = countsBySeverity(results);
  const md: string[] = [];
  md.push(`# ${input.title}`, '', `Host \`${input.hostname}\`, generated ${new Date(input.generatedAtEpochUs / 1000).toISOString()} by \`tailguard audit\`.`, '');
  md.push(`## ${REPORT_SECTIONS[0]}`, '');
  md.push('| critical | high | medium | low | info |', '|---|---|---|---|---|', `| ${SEVERITIES.map((s) => counts[s]).join(' | ')} |`, '');
  const top = findingsOf(results).filter((f) => f.severity !== 'info').slice(0, 8);
  md.push(top.length === 0 ? 'No problems found above info.' : top.map((f) => `- **${f.severity}** ${f.title}`).join('\n'), '');

  md.push(`## ${REPORT_SECTIONS[1]}`, '');
  if (input.latency === undefined || input.latency.rows.length === 0) md.push('_No load replay was run (pass `--target ./module.js#export --tps N`)._', '');
  else {
    md.push('Open-loop replay; latency from each request\'s intended start (coordinated omission corrected).', '');
    md.push('| operation | burst | target TPS | achieved TPS | count | errors | p50 | p90 | p99 | p99.9 | max |', '|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of input.latency.rows)
      md.push(`| ${cell(r.name)} | ${r.multiplier}x | ${r.targetTps} | ${Math.round(r.achievedTps)}${r.rateShortfall ? ' (short)' : ''} | ${r.count} | ${r.errors} | ${fmtNs(r.p50Ns)} | ${fmtNs(r.p90Ns)} | ${fmtNs(r.p99Ns)} | ${fmtNs(r.p999Ns)} | ${fmtNs(r.maxNs)} |`);
    md.push('', percentilePlotSvg(input.latency.distribution, 'Latency by percentile (1x/2x/5x)'), '');
    md.push(findingsTable(latencyFindings(input)));
  }
  for (const section of ['CPU and NUMA', 'Kernel'] as const) {
    md.push(`## ${section}`, '', findingsTable(input.host.filter((r) => SECTION_AREAS[section]!.includes(r.area))));
  }
  md.push(`## ${REPORT_SECTIONS[4]}`, '', findingsTable(input.failover));
  md.push(`## ${REPORT_SECTIONS[5]}`, '', findingsTable(input.observability));
  md.push(`## ${REPORT_SECTIONS[6]}`, '');
  const todo = findingsOf(results).filter((f) => f.severity !== 'info');
  md.push(todo.length === 0 ? 'Nothing to do.' : todo.map((f, i) => `${i + 1}. **${f.severity}** \`${f.id}\`: ${f.remediation} _Why: ${f.impact}_`).join('\n'), '');
  md.push(`## ${REPORT_SECTIONS[7]}`, '', '| measurement | value |', '|---|---|');
  for (const [k, v] of Object.entries(input.appendix)) md.push(`| ${cell(k)} | ${cell(String(v))} |`);
  md.push('');
  return md.join('\n');
}

/** Writes the report as a PDF (pdfkit; the plot drawn as vector lines). Resolves when the file is closed. */
export async function writeAuditPdf(input: AuditReportInput, file: string): Promise<void> {
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: input.title, Creator: 'tailguard audit' } });
  const done = new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('finish', () => resolve());
    out.on('error', reject);
    doc.pipe(out);
  });
  const results = allResults(input);
  const counts = countsBySeverity(results);
  const h = (t: string): void => {
    if (doc.y > 700) doc.addPage();
    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(14).fillColor('black').text(t).moveDown(0.3).font('Helvetica').fontSize(9);
  };
  const list = (rs: readonly CheckResult[]): void => {
    if (rs.length === 0) doc.text('Nothing checked.');
    for (const r of [...rs].sort(bySeverity)) {
      if (doc.y > 760) doc.addPage();
      if (r.status === 'finding') {
        doc.font('Helvetica-Bold').text(`[${r.severity}] ${r.title}`, { continued: false }).font('Helvetica');
        doc.fillColor('#444').text(Object.entries(r.evidence).map(([k, v]) => `${k}=${v}`).join('; ')).fillColor('black');
      } else doc.fillColor('#666').text(`[n/a] ${r.id}: ${r.reason}`).fillColor('black');
    }
  };
  doc.font('Helvetica-Bold').fontSize(18).text(input.title);
  doc.font('Helvetica').fontSize(9).text(`Host ${input.hostname}, generated ${new Date(input.generatedAtEpochUs / 1000).toISOString()}`);
  h(REPORT_SECTIONS[0]);
  doc.text(SEVERITIES.map((s) => `${s}: ${counts[s]}`).join('   '));
  for (const f of findingsOf(results).filter((x) => x.severity !== 'info').slice(0, 8)) doc.text(`- [${f.severity}] ${f.title}`);
  h(REPORT_SECTIONS[1]);
  if (input.latency === undefined || input.latency.rows.length === 0) doc.text('No load replay was run.');
  else {
    doc.font('Courier').fontSize(7);
    doc.text('operation            burst  target   achieved  count    p50        p99        p99.9      max');
    for (const r of input.latency.rows)
      doc.text(`${r.name.padEnd(20).slice(0, 20)} ${`${r.multiplier}x`.padEnd(6)} ${String(r.targetTps).padEnd(8)} ${String(Math.round(r.achievedTps)).padEnd(9)} ${String(r.count).padEnd(8)} ${fmtNs(r.p50Ns).padEnd(10)} ${fmtNs(r.p99Ns).padEnd(10)} ${fmtNs(r.p999Ns).padEnd(10)} ${fmtNs(r.maxNs)}`);
    doc.font('Helvetica').fontSize(9);
    if (doc.y > 520) doc.addPage();
    const y = doc.y + 10;
    drawPercentilePlotPdf(doc as unknown as PdfCanvas, input.latency.distribution, 48, y, 500, 230);
    doc.x = 48;
    doc.y = y + 240;
    list(latencyFindings(input));
  }
  h('CPU and NUMA');
  list(input.host.filter((r) => SECTION_AREAS['CPU and NUMA']!.includes(r.area)));
  h('Kernel');
  list(input.host.filter((r) => SECTION_AREAS['Kernel']!.includes(r.area)));
  h(REPORT_SECTIONS[4]);
  list(input.failover);
  h(REPORT_SECTIONS[5]);
  list(input.observability);
  h(REPORT_SECTIONS[6]);
  findingsOf(results)
    .filter((f) => f.severity !== 'info')
    .forEach((f, i) => {
      if (doc.y > 760) doc.addPage();
      doc.text(`${i + 1}. [${f.severity}] ${f.id}: ${f.remediation}`);
    });
  h(REPORT_SECTIONS[7]);
  doc.font('Courier').fontSize(7);
  for (const [k, v] of Object.entries(input.appendix)) {
    if (doc.y > 780) doc.addPage();
    doc.text(`${k}: ${v}`);
  }
  doc.end();
  await done;
}
