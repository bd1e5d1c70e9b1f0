import { parse as parseYaml } from 'yaml';
import { finding, notApplicable, type CheckResult } from '../host-audit/finding.js';

/** Inputs of {@link findObservabilityGaps}: what the engine exports and how it is watched. */
export interface ObservabilityInputs {
  /** Text of a running engine's `/metrics` (Prometheus exposition format). */
  metricsText?: string;
  /** A Prometheus rules file (YAML). */
  rulesYaml?: string;
  /** The scrape interval Prometheus uses for the engine. */
  scrapeIntervalMs?: number;
  /** The SDK's window length. Default 5 000 ms. */
  windowMs?: number;
}

interface Rule {
  name: string;
  expr: string;
}

/** Every alert and recording rule of a rules file; throws with the problem when the YAML is not a rules file. */
export function parseRules(yamlText: string): Rule[] {
  const doc = parseYaml(yamlText) as { groups?: { rules?: { alert?: string; record?: string; expr?: unknown }[] }[] } | null;
  if (doc === null || typeof doc !== 'object' || !Array.isArray(doc.groups)) throw new Error('rules file has no `groups:` list');
  const out: Rule[] = [];
  for (const g of doc.groups) for (const r of g.rules ?? []) if (typeof r.expr === 'string' || typeof r.expr === 'number') out.push({ name: r.alert ?? r.record ?? '(unnamed)', expr: String(r.expr) });
  return out;
}

const QUANTILE_SERIES = /(quantile\s*=|_window_seconds|_window_worst_p99|_p99\b|_p999\b)/;
const AVERAGING = /\bavg(_over_time)?\s*(by\s*\([^)]*\)\s*)?\(/;
const LONG_RANGE_HQ = /histogram_quantile\s*\([^,]+,[\s\S]*?\[(\d+)([smhd])\]/g;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Finds observability gaps: window metrics absent, a scrape interval longer than
 * the window with no worst-window metric, quantiles averaged, `histogram_quantile`
 * over a minute or more on the signing path, no alert on clock error, no alert on
 * FIX session down.
 */
export function findObservabilityGaps(inputs: ObservabilityInputs): CheckResult[] {
  const out: CheckResult[] = [];
  const windowMs = inputs.windowMs ?? 5_000;
  const text = inputs.metricsText;
  if (text === undefined) {
    out.push(notApplicable('observability.window_metrics', 'observability', 'no /metrics read (pass --metrics URL)'));
    out.push(notApplicable('observability.scrape_vs_window', 'observability', 'no /metrics read (pass --metrics URL)'));
  } else {
    const has = (name: string): boolean => new RegExp(`^${name}(\\{| )`, 'm').test(text);
    const windowSeries = has('tailguard_latency_window_seconds');
    out.push(
      windowSeries
        ? finding('observability.window_metrics', 'observability', 'info', 'Sliding-window latency quantiles are exported', { tailguard_latency_window_seconds: true }, 'None.', 'None.')
        : finding('observability.window_metrics', 'observability', 'high', 'No sliding-window latency metrics are exported', { tailguard_latency_window_seconds: false },
            'Dashboards can only show quantiles of cumulative histograms over long ranges, which hide 5-second spikes.',
            'Register registerLatencyPrometheus(monitor, registry) and instrument the signing and order-send call sites.'),
    );
    const worst = has('tailguard_latency_window_worst_p99_seconds');
    if (inputs.scrapeIntervalMs === undefined) out.push(notApplicable('observability.scrape_vs_window', 'observability', 'scrape interval unknown (pass --scrape-interval-ms)'));
    else {
      const ev = { scrape_interval_ms: inputs.scrapeIntervalMs, window_ms: windowMs, worst_window_metric: worst };
      out.push(
        inputs.scrapeIntervalMs > windowMs && !worst
          ? finding('observability.scrape_vs_window', 'observability', 'high', 'Scrapes are further apart than the window and no worst-window metric is exported', ev,
              'A spike that starts and ends between two scrapes never reaches Prometheus.',
              `Scrape every ${windowMs / 1000} s or less, or export tailguard_latency_window_worst_p99_seconds and alert on it.`)
          : finding('observability.scrape_vs_window', 'observability', 'info', 'Every window is seen (scrape interval ≤ window, or worst-window metric exported)', ev, 'None.', 'None.'),
      );
    }
  }

  if (inputs.rulesYaml === undefined) {
    for (const id of ['averaged_quantiles', 'long_range_histogram_quantile', 'clock_alert', 'fix_session_alert']) {
      out.push(notApplicable(`observability.${id}`, 'observability', 'no rules file read (pass --rules FILE)'));
    }
    return out;
  }
  let rules: Rule[];
  try {
    rules = parseRules(inputs.rulesYaml);
  } catch (err) {
    out.push(finding('observability.rules_file', 'observability', 'medium', 'The rules file could not be read', { error: (err as Error).message },
      'Alerting cannot be audited.', 'Pass a Prometheus rules file (groups: [{rules: [...]}]).'));
    return out;
  }
  const averaged = rules.filter((r) => AVERAGING.test(r.expr) && QUANTILE_SERIES.test(r.expr));
  out.push(
    averaged.length > 0
      ? finding('observability.averaged_quantiles', 'observability', 'high', `${averaged.length} rules average a quantile series`,
          Object.fromEntries(averaged.slice(0, 8).map((r) => [r.name, r.expr.replace(/\s+/g, ' ').slice(0, 200)])),
          'An average of p99s is not a p99: one instance or one 5-second spike is divided away.',
          'Take max (by instance/operation) of the raw window series, or histogram_quantile over summed bucket rates.')
      : finding('observability.averaged_quantiles', 'observability', 'info', 'No rule averages a quantile', { rules: rules.length }, 'None.', 'None.'),
  );
  const longRange: Rule[] = [];
  for (const r of rules) {
    if (!/sign/i.test(r.expr) && !/sign/i.test(r.name)) continue;
    for (const m of r.expr.matchAll(LONG_RANGE_HQ)) if (Number(m[1]) * UNIT_MS[m[2]!]! >= 60_000) longRange.push(r);
  }
  out.push(
    longRange.length > 0
      ? finding('observability.long_range_histogram_quantile', 'observability', 'medium', `${longRange.length} signing-path rules take histogram_quantile over a minute or more`,
          Object.fromEntries(longRange.slice(0, 8).map((r) => [r.name, r.expr.replace(/\s+/g, ' ').slice(0, 200)])),
          'A 1-minute rate window smooths a 5-second spike to a twelfth of its weight.',
          'Alert on tailguard_latency_window_seconds{quantile="0.99"} (5 s window) and the worst-window p99.')
      : finding('observability.long_range_histogram_quantile', 'observability', 'info', 'No long-range histogram_quantile on the signing path', { rules: rules.length }, 'None.', 'None.'),
  );
  const clock = rules.some((r) => /tailguard_clock_(max_error_seconds|synchronized)/.test(r.expr));
  out.push(
    clock
      ? finding('observability.clock_alert', 'observability', 'info', 'Clock error is alerted on', { clock_rule: true }, 'None.', 'None.')
      : finding('observability.clock_alert', 'observability', 'high', 'No alert on clock error or an unsynchronised clock', { clock_rule: false },
          'A drifting clock silently turns a 50 ms quote-age check into nonsense.',
          'Alert on tailguard_clock_synchronized == 0 and tailguard_clock_max_error_seconds above your tolerance (deploy/prometheus/alerts.yml).'),
  );
  const fix = rules.some((r) => /fix_session_up/.test(r.expr));
  out.push(
    fix
      ? finding('observability.fix_session_alert', 'observability', 'info', 'FIX session loss is alerted on', { fix_rule: true }, 'None.', 'None.')
      : finding('observability.fix_session_alert', 'observability', 'high', 'No alert on a FIX session going down', { fix_rule: false },
          'Orders fail over or stop without anyone being paged.', 'Alert on min by (session) (fix_session_up) == 0 for 10s.'),
  );
  return out;
}
