/** Severity of an audit finding, most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** Areas the host audit covers. */
export type AuditArea = 'cpu' | 'irq' | 'numa' | 'memory' | 'kernel' | 'network' | 'clock' | 'runtime' | 'latency' | 'failover' | 'observability';

/** Evidence: the raw values read, keyed by where they came from. */
export type Evidence = Readonly<Record<string, string | number | boolean | null>>;

/** A check that produced a result: a problem (severity above info) or a pass (info). */
export interface Finding {
  readonly id: string;
  readonly area: AuditArea;
  readonly status: 'finding';
  readonly severity: Severity;
  readonly title: string;
  readonly evidence: Evidence;
  readonly impact: string;
  readonly remediation: string;
}

/** A check that does not apply here (a VM without cpufreq is not a finding). */
export interface NotApplicable {
  readonly id: string;
  readonly area: AuditArea;
  readonly status: 'not_applicable';
  readonly reason: string;
}

/** What every check returns. */
export type CheckResult = Finding | NotApplicable;

/** Builds a {@link Finding}. */
export function finding(
  id: string,
  area: AuditArea,
  severity: Severity,
  title: string,
  evidence: Evidence,
  impact: string,
  remediation: string,
): Finding {
  return { id, area, status: 'finding', severity, title, evidence, impact, remediation };
}

/** Builds a {@link NotApplicable}. */
export function notApplicable(id: string, area: AuditArea, reason: string): NotApplicable {
  return { id, area, status: 'not_applicable', reason };
}

/** Orders results most severe first; not-applicable last. */
export function bySeverity(a: CheckResult, b: CheckResult): number {
  const rank = (r: CheckResult): number => (r.status === 'finding' ? SEVERITIES.indexOf(r.severity) : SEVERITIES.length);
  return rank(a) - rank(b) || a.id.localeCompare(b.id);
}
