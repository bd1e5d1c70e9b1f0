import type { ChronySkewSnapshot } from './chrony-skew-judge.js';
import { CHRONY_LEAP_STATUS_CODES } from './chrony-tracking-record.js';

/**
 * The clock metrics: `prom` is the Prometheus name, `otel` the OpenTelemetry
 * instrument (the Prometheus words, dotted, with the unit in `unit` instead of
 * the name, as the quote guard's instruments). Values are in base units (seconds).
 */
export const CHRONY_METRICS = Object.freeze({
  offset: {
    prom: 'tailguard_clock_offset_seconds',
    otel: 'tailguard.clock.offset',
    help: "Local clock offset from chrony's estimate of true time (chronyc tracking 'System time'); positive = the local clock is fast. Absent while chrony is unsynchronised.",
    unit: 's',
  },
  maxError: {
    prom: 'tailguard_clock_max_error_seconds',
    otel: 'tailguard.clock.max_error',
    help: "Clock error bound |offset| + root dispersion + root delay / 2, grown since chrony's last answer; +Inf without a synchronised answer. tailguard_clock_synchronized says whether the guard trusts it.",
    unit: 's',
  },
  rootDelay: {
    prom: 'tailguard_clock_root_delay_seconds',
    otel: 'tailguard.clock.root_delay',
    help: 'Round-trip delay to the stratum-1 reference (chronyc tracking). Absent while chrony is unsynchronised.',
    unit: 's',
  },
  rootDispersion: {
    prom: 'tailguard_clock_root_dispersion_seconds',
    otel: 'tailguard.clock.root_dispersion',
    help: 'Dispersion accumulated to the stratum-1 reference (chronyc tracking). Absent while chrony is unsynchronised.',
    unit: 's',
  },
  frequency: {
    prom: 'tailguard_clock_frequency_ppm',
    otel: 'tailguard.clock.frequency',
    help: "Frequency error of the local clock in ppm (chronyc tracking 'Frequency'); positive = the clock runs fast. Absent while chrony is unsynchronised.",
    unit: '[ppm]',
  },
  stratum: {
    prom: 'tailguard_clock_stratum',
    otel: 'tailguard.clock.stratum',
    help: 'Stratum chrony reports (0 when unsynchronised).',
    unit: undefined,
  },
  synchronized: {
    prom: 'tailguard_clock_synchronized',
    otel: 'tailguard.clock.synchronized',
    help: 'Whether the quote guard trusts the clock: 1 synchronised, 0 not (chrony unsynchronised, settling, leap pending, stale reference, or chronyc failing).',
    unit: undefined,
  },
  leapStatus: {
    prom: 'tailguard_clock_leap_status',
    otel: 'tailguard.clock.leap_status',
    help: "chrony leap status: 0 normal, 1 insert second pending, 2 delete second pending, 3 not synchronised. Absent before chrony's first answer.",
    unit: undefined,
  },
  pollFailures: {
    prom: 'tailguard_clock_poll_failures_total',
    otel: 'tailguard.clock.poll_failures',
    help: "chronyc polls that failed, by reason: failed (exit status, e.g. chronyd down), timeout (killed at pollTimeoutMs), unparseable (output not chronyc's CSV).",
    unit: undefined,
  },
} as const);

/** The gauge values of one snapshot; `undefined` = no sample (the series is absent). */
export interface ChronyGaugeValues {
  offsetSeconds: number | undefined;
  maxErrorSeconds: number;
  rootDelaySeconds: number | undefined;
  rootDispersionSeconds: number | undefined;
  frequencyPpm: number | undefined;
  stratum: number | undefined;
  synchronized: number;
  leapStatus: number | undefined;
}

/**
 * Reads the gauge values from a snapshot. chrony's offset fields are
 * placeholders while it is unsynchronised, so they are left out then.
 */
export function chronyGaugeValues(s: ChronySkewSnapshot): ChronyGaugeValues {
  const r = s.record;
  const synced = r !== undefined && r.leapStatus !== 'not_synchronized';
  return {
    offsetSeconds: synced ? r.systemOffsetUs / 1e6 : undefined,
    maxErrorSeconds: s.boundUs === undefined ? Number.POSITIVE_INFINITY : s.boundUs / 1e6,
    rootDelaySeconds: synced ? r.rootDelayUs / 1e6 : undefined,
    rootDispersionSeconds: synced ? r.rootDispersionUs / 1e6 : undefined,
    frequencyPpm: synced ? r.frequencyPpm : undefined,
    stratum: r?.stratum,
    synchronized: s.status.synchronized ? 1 : 0,
    leapStatus: r === undefined ? undefined : CHRONY_LEAP_STATUS_CODES[r.leapStatus],
  };
}

/** One entry of {@link CHRONY_METRICS}: its Prometheus and OpenTelemetry names, help and unit. */
export type ChronyMetricSpec = (typeof CHRONY_METRICS)[keyof typeof CHRONY_METRICS];

/**
 * Every gauge of {@link CHRONY_METRICS} beside the {@link ChronyGaugeValues}
 * field it shows, in export order: the Prometheus and OpenTelemetry exporters
 * both walk this one table, so they always publish the same gauges.
 */
export const CHRONY_GAUGES: ReadonlyArray<readonly [ChronyMetricSpec, keyof ChronyGaugeValues]> = Object.freeze([
  [CHRONY_METRICS.offset, 'offsetSeconds'],
  [CHRONY_METRICS.maxError, 'maxErrorSeconds'],
  [CHRONY_METRICS.rootDelay, 'rootDelaySeconds'],
  [CHRONY_METRICS.rootDispersion, 'rootDispersionSeconds'],
  [CHRONY_METRICS.frequency, 'frequencyPpm'],
  [CHRONY_METRICS.stratum, 'stratum'],
  [CHRONY_METRICS.synchronized, 'synchronized'],
  [CHRONY_METRICS.leapStatus, 'leapStatus'],
] as const);
