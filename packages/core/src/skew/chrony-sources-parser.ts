import { excerpt, parseIntegerInRange, parseSecondsAsUs } from './chrony-csv-fields.js';

/** Source mode column of `chronyc sources`: `^` server, `=` peer, `#` reference clock. */
export type ChronySourceMode = 'server' | 'peer' | 'refclock';

/**
 * Source state column of `chronyc sources`: `*` selected, `+` combined, `-`
 * not combined, `?` unreachable, `x` falseticker, `~` too variable.
 */
export type ChronySourceState = 'selected' | 'combined' | 'not_combined' | 'unreachable' | 'falseticker' | 'too_variable';

const MODES: Readonly<Record<string, ChronySourceMode>> = Object.freeze({ '^': 'server', '=': 'peer', '#': 'refclock' });
const STATES: Readonly<Record<string, ChronySourceState>> = Object.freeze({
  '*': 'selected',
  '+': 'combined',
  '-': 'not_combined',
  '?': 'unreachable',
  x: 'falseticker',
  '~': 'too_variable',
});

/** One line of `chronyc -c sources`, seconds converted to µs. */
export interface ChronySourceRecord {
  readonly mode: ChronySourceMode;
  readonly state: ChronySourceState;
  /** Address or name of the source. */
  readonly name: string;
  readonly stratum: number;
  /** Polling interval as a power of two in seconds (may be negative). */
  readonly pollLog2: number;
  /** Reachability register: the last 8 polls as bits, 0..255 (`377` octal = all answered). */
  readonly reachRegister: number;
  /** Age of the last sample, µs; undefined when chrony has none. */
  readonly lastSampleAgeUs: number | undefined;
  /** Offset of the last sample after later clock adjustments, µs. */
  readonly adjustedOffsetUs: number;
  /** Offset as measured, µs. */
  readonly measuredOffsetUs: number;
  /** Error margin of the measurement, µs. */
  readonly errorUs: number;
}

/** Most source lines parsed from one output (chrony's own limit is far lower in practice). */
export const CHRONY_SOURCES_MAX = 64;

/** Result of {@link parseChronySources}. */
export type ChronySourcesParse =
  | { readonly ok: true; readonly sources: readonly ChronySourceRecord[] }
  | { readonly ok: false; readonly message: string };

/** chrony prints this for "no sample yet" in the last-sample column. */
const NO_SAMPLE_AGE_S = 4_294_967_295;

/**
 * Parses the output of `chronyc -c sources` (one CSV line of 10 fields per
 * source; empty output = no sources). Never throws. At most
 * {@link CHRONY_SOURCES_MAX} lines are accepted.
 */
export function parseChronySources(output: string): ChronySourcesParse {
  if (typeof output !== 'string') return { ok: false, message: 'chronyc sources: no output' };
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length > CHRONY_SOURCES_MAX) {
    return { ok: false, message: `chronyc sources: ${lines.length} lines exceed the limit of ${CHRONY_SOURCES_MAX}` };
  }
  const sources: ChronySourceRecord[] = [];
  for (const line of lines) {
    const f = line.split(',');
    if (f.length !== 10) {
      return { ok: false, message: `chronyc sources: expected 10 comma-separated fields, got ${f.length}: ${excerpt(line)}` };
    }
    const mode = Object.hasOwn(MODES, f[0]!) ? MODES[f[0]!] : undefined;
    const state = Object.hasOwn(STATES, f[1]!) ? STATES[f[1]!] : undefined;
    const stratum = parseIntegerInRange(f[3]!, 0, 16);
    const pollLog2 = parseIntegerInRange(f[4]!, -32, 32);
    const reachRegister = /^[0-7]{1,3}$/.test(f[5]!) ? parseInt(f[5]!, 8) : undefined;
    const lastS = f[6] === '-' ? NO_SAMPLE_AGE_S : parseIntegerInRange(f[6]!, 0, NO_SAMPLE_AGE_S);
    const adjustedOffsetUs = parseSecondsAsUs(f[7]!);
    const measuredOffsetUs = parseSecondsAsUs(f[8]!);
    const errorUs = parseSecondsAsUs(f[9]!);
    if (
      mode === undefined ||
      state === undefined ||
      stratum === undefined ||
      pollLog2 === undefined ||
      reachRegister === undefined ||
      reachRegister > 255 ||
      lastS === undefined ||
      adjustedOffsetUs === undefined ||
      measuredOffsetUs === undefined ||
      errorUs === undefined
    ) {
      return { ok: false, message: `chronyc sources: malformed line ${excerpt(line)}` };
    }
    sources.push({
      mode,
      state,
      name: f[2]!,
      stratum,
      pollLog2,
      reachRegister,
      lastSampleAgeUs: lastS === NO_SAMPLE_AGE_S ? undefined : lastS * 1e6,
      adjustedOffsetUs,
      measuredOffsetUs,
      errorUs,
    });
  }
  return { ok: true, sources };
}
