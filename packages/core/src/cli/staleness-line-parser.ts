import { describeEpochUsProblem, epochUsProblem } from '../audit/epoch-us-plausibility.js';
import { splitCsvLine } from './csv-fields.js';

/** Input formats of `tailguard audit-staleness`. */
export const STALENESS_INPUT_FORMATS = ['csv', 'ndjson'] as const;

/** One of {@link STALENESS_INPUT_FORMATS}. */
export type StalenessInputFormat = (typeof STALENESS_INPUT_FORMATS)[number];

/** What one input line turned out to be. */
export type StalenessLine =
  | { kind: 'sample'; quoteEpochUs: number; execEpochUs: number }
  | { kind: 'header' }
  | { kind: 'blank' }
  /** A line that cannot be audited; `problem` says why, for an operator. */
  | { kind: 'malformed'; problem: string }
  /** The input cannot be audited at all (a CSV header without the needed columns). */
  | { kind: 'fatal'; problem: string };

/** Parses the lines of one input, in order; keeps the CSV header between calls. */
export interface StalenessLineParser {
  parse(line: string): StalenessLine;
}

const FIELDS = ['quoteEpochUs', 'execEpochUs'] as const;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function show(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Checks both instants; returns the sample or every problem found, joined. */
function sampleOrProblems(quoteEpochUs: number, execEpochUs: number, problems: string[]): StalenessLine {
  const values = [quoteEpochUs, execEpochUs];
  for (let i = 0; i < FIELDS.length; i++) {
    const p = epochUsProblem(values[i]!);
    if (p !== undefined) problems.push(describeEpochUsProblem(FIELDS[i]!, values[i]!, p));
  }
  return problems.length > 0 ? { kind: 'malformed', problem: problems.join('; ') } : { kind: 'sample', quoteEpochUs, execEpochUs };
}

function csvParser(): StalenessLineParser {
  let columns: number[] | undefined;
  let width = 0;
  return {
    parse(line) {
      if (line.trim() === '') return { kind: 'blank' };
      const split = splitCsvLine(line);
      if (columns === undefined) {
        if (!split.ok) return { kind: 'fatal', problem: `header: ${split.problem}` };
        const names = split.fields.map((f) => f.trim());
        const found: number[] = [];
        for (const field of FIELDS) {
          const at = names.indexOf(field);
          if (at < 0) {
            return { kind: 'fatal', problem: `header must name the columns quoteEpochUs and execEpochUs (found ${names.map(show).join(', ')})` };
          }
          if (names.indexOf(field, at + 1) >= 0) return { kind: 'fatal', problem: `header names the column ${field} twice` };
          found.push(at);
        }
        columns = found;
        width = names.length;
        return { kind: 'header' };
      }
      if (!split.ok) return { kind: 'malformed', problem: split.problem };
      if (split.fields.length !== width) {
        return { kind: 'malformed', problem: `expected ${width} fields as in the header, found ${split.fields.length}` };
      }
      const problems: string[] = [];
      const values = columns.map((col, i) => {
        const text = split.fields[col]!.trim();
        if (text === '') problems.push(`${FIELDS[i]} is empty`);
        else if (!DECIMAL.test(text)) problems.push(`${FIELDS[i]} ${show(text)} is not a number`);
        return Number(text);
      });
      if (problems.length > 0) return { kind: 'malformed', problem: problems.join('; ') };
      return sampleOrProblems(values[0]!, values[1]!, problems);
    },
  };
}

function ndjsonParser(): StalenessLineParser {
  return {
    parse(line) {
      if (line.trim() === '') return { kind: 'blank' };
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        return { kind: 'malformed', problem: `invalid JSON: ${(err as Error).message}` };
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
        return { kind: 'malformed', problem: `expected a JSON object with quoteEpochUs and execEpochUs, got ${got}` };
      }
      const record = value as Record<string, unknown>;
      const problems: string[] = [];
      for (const field of FIELDS) {
        const v = record[field];
        if (v === undefined) problems.push(`${field} is missing`);
        else if (typeof v !== 'number') problems.push(`${field} must be a number, got ${v === null ? 'null' : typeof v} ${show(JSON.stringify(v))}`);
      }
      if (problems.length > 0) return { kind: 'malformed', problem: problems.join('; ') };
      return sampleOrProblems(record['quoteEpochUs'] as number, record['execEpochUs'] as number, problems);
    },
  };
}

/**
 * A line parser for `format`. CSV: the first non-blank line is the header and
 * must name `quoteEpochUs` and `execEpochUs` (any order, extra columns allowed);
 * every later line needs as many fields as the header. NDJSON: one object per
 * line with numeric `quoteEpochUs` and `execEpochUs` (extra keys allowed).
 * Instants must be plausible epoch microseconds (seconds, milliseconds and
 * nanoseconds are named as such). Blank lines are reported as blank.
 */
export function stalenessLineParser(format: StalenessInputFormat): StalenessLineParser {
  return format === 'csv' ? csvParser() : ndjsonParser();
}

/** The format implied by a file name (`.csv`; `.ndjson`, `.jsonl`), or undefined. */
export function stalenessFormatFromPath(path: string): StalenessInputFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return undefined;
}
