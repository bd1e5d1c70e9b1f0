import { execFile } from 'node:child_process';
import { excerpt } from './chrony-csv-fields.js';

/** Most bytes of chronyc output read per call; more is treated as a failure (chronyc was killed). */
export const CHRONYC_OUTPUT_BYTES_MAX = 256 * 1024;

/** Outcome of one chronyc run: its stdout, or why there is none. Never rejects. */
export type ChronycRun =
  | { readonly ok: true; readonly stdout: string }
  | { readonly ok: false; readonly kind: 'failed' | 'timeout'; readonly message: string };

/** Where and how chronyc is run. */
export interface ChronycTarget {
  /** Path or name of the chronyc binary. */
  readonly chronycPath: string;
  /** Value of `-h`: chronyd's Unix command socket path, or a host name/address. */
  readonly host: string | undefined;
  /** Value of `-p`: chronyd's UDP command port when `host` is a network host. */
  readonly port: number | undefined;
  /** The run is killed (SIGKILL) after this long. */
  readonly timeoutMs: number;
}

/**
 * Runs `chronyc [-h host] [-p port] -n -c <command>` through execFile (no
 * shell), with a hard timeout. `-n` keeps chronyc from resolving addresses, so a
 * slow DNS server cannot hang a poll.
 */
export function runChronyc(target: ChronycTarget, command: string): Promise<ChronycRun> {
  const args: string[] = [];
  if (target.host !== undefined) args.push('-h', target.host);
  if (target.port !== undefined) args.push('-p', String(target.port));
  args.push('-n', '-c', command);
  return new Promise((resolve) => {
    try {
      execFile(
        target.chronycPath,
        args,
        { timeout: target.timeoutMs, killSignal: 'SIGKILL', maxBuffer: CHRONYC_OUTPUT_BYTES_MAX, encoding: 'utf8', windowsHide: true },
        (error, stdout, stderr) => {
          if (error === null) {
            resolve({ ok: true, stdout });
            return;
          }
          const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown };
          if (e.killed === true && e.signal === 'SIGKILL' && e.code !== 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            resolve({ ok: false, kind: 'timeout', message: `chronyc ${command}: no answer within ${target.timeoutMs} ms (killed)` });
            return;
          }
          const detail = (stderr || stdout || '').trim();
          resolve({
            ok: false,
            kind: 'failed',
            message: `chronyc ${command} failed (${typeof e.code === 'number' ? `exit ${e.code}` : String(e.code ?? e.message)})${detail.length > 0 ? `: ${excerpt(detail)}` : ''}`,
          });
        },
      );
    } catch (error) {
      // execFile throws synchronously only for invalid arguments.
      resolve({ ok: false, kind: 'failed', message: `chronyc ${command} could not start: ${String(error)}` });
    }
  });
}
