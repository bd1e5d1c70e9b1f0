import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads `/proc` and `/sys` under a configurable root, so tests point it at a
 * fixture tree. Every read returns undefined when the file is missing or
 * unreadable: a missing file makes a check "not applicable", never a crash.
 */
export class HostFiles {
  constructor(
    /** Filesystem root; `/` on a real host. */
    readonly root: string = '/',
  ) {}

  /** Trimmed file contents, or undefined. */
  read(p: string): string | undefined {
    try {
      return readFileSync(path.join(this.root, p), 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  /** File contents parsed as an integer, or undefined. */
  readInt(p: string): number | undefined {
    const s = this.read(p);
    if (s === undefined) return undefined;
    const n = Number.parseInt(s, 10);
    return Number.isFinite(n) ? n : undefined;
  }

  /** Directory entries, or an empty list. */
  list(p: string): string[] {
    try {
      return readdirSync(path.join(this.root, p)).sort();
    } catch {
      return [];
    }
  }
}

/** Parses a kernel cpulist (`0-3,8,10-11`) into a sorted list of CPU numbers; undefined if malformed. */
export function parseCpuList(list: string | undefined): number[] | undefined {
  if (list === undefined) return undefined;
  const s = list.trim();
  if (s === '') return [];
  const out = new Set<number>();
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::\d+\/\d+)?$/.exec(part.trim());
    if (m === null) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65_536) return undefined;
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats a CPU list compactly (`0-3,8`). */
export function formatCpuList(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    parts.push(j === i ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The selected value of a sysfs multiple-choice file (`always [madvise] never` → `madvise`). */
export function selectedChoice(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  return /\[([^\]]+)\]/.exec(s)?.[1] ?? s;
}

/** One kernel command-line parameter's value (`isolcpus=2-5` → `2-5`), `''` for a bare flag, undefined if absent. */
export function cmdlineParam(cmdline: string | undefined, name: string): string | undefined {
  if (cmdline === undefined) return undefined;
  for (const tok of cmdline.split(/\s+/)) {
    if (tok === name) return '';
    if (tok.startsWith(`${name}=`)) return tok.slice(name.length + 1);
  }
  return undefined;
}
