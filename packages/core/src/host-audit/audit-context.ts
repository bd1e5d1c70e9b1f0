import type { SkewStatus } from '../skew/skew-source.js';
import { HostFiles, parseCpuList } from './host-files.js';

/** Everything the host checks read: files under a root plus what the engine knows about itself. */
export interface HostAuditContext {
  readonly files: HostFiles;
  /** `/proc/<pid>` of the engine; `self` by default. */
  readonly pid: string;
  /** CPUs the engine may run on (`Cpus_allowed_list`), undefined when unreadable. */
  readonly engineCpus: readonly number[] | undefined;
  /** The clock-error source's current status, if the engine has one. */
  readonly skew: SkewStatus | undefined;
  /** FIX sockets the fix package opened, with their TCP_NODELAY setting. */
  readonly fixSockets: readonly { readonly session: string; readonly noDelay: boolean }[] | undefined;
  /** Runtime stall windows (from monitorRuntimeStalls), if measured. */
  readonly runtime: { readonly eventLoopDelayP99Ns?: number; readonly gcPauseMaxNs?: number } | undefined;
  /** Environment and Node flags of the engine. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly execArgv: readonly string[];
  readonly nodeVersion: string;
  /** Runs `ethtool <args>` and returns stdout, or undefined when ethtool is absent or fails. */
  readonly ethtool: ((args: readonly string[]) => string | undefined) | undefined;
}

/** Inputs of {@link makeAuditContext}; every field is optional. */
export interface HostAuditOptions {
  /** Filesystem root holding `proc/` and `sys/`. Default `/`. */
  root?: string;
  /** Engine process id under `<root>/proc`. Default `self`. */
  pid?: string | number;
  skew?: SkewStatus;
  fixSockets?: readonly { session: string; noDelay: boolean }[];
  runtime?: { eventLoopDelayP99Ns?: number; gcPauseMaxNs?: number };
  env?: Readonly<Record<string, string | undefined>>;
  execArgv?: readonly string[];
  nodeVersion?: string;
  ethtool?: (args: readonly string[]) => string | undefined;
}

/** Builds the context the checks read, defaulting to this process on this host. */
export function makeAuditContext(options: HostAuditOptions = {}): HostAuditContext {
  const files = new HostFiles(options.root ?? '/');
  const pid = String(options.pid ?? 'self');
  const status = files.read(`proc/${pid}/status`);
  const allowed = status === undefined ? undefined : /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1];
  return {
    files,
    pid,
    engineCpus: parseCpuList(allowed),
    skew: options.skew,
    fixSockets: options.fixSockets,
    runtime: options.runtime,
    env: options.env ?? process.env,
    execArgv: options.execArgv ?? process.execArgv,
    nodeVersion: options.nodeVersion ?? process.version,
    ethtool: options.ethtool,
  };
}
