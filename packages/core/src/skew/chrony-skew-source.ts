import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { runChronyc, type ChronycTarget } from './chrony-command-runner.js';
import { parseChronySources } from './chrony-sources-parser.js';
import { parseChronyTracking } from './chrony-tracking-parser.js';
import { ChronySkewJudge, type ChronySkewSnapshot } from './chrony-skew-judge.js';
import { requireNumberAtLeast, type ChronySkewJudgeOptions } from './chrony-skew-options.js';
import type { ChronySkewStatus } from './chrony-skew-reasons.js';
import type { SkewSource } from './skew-source.js';

/** Options for {@link ChronySkewSource}; the judging options are described on {@link ChronySkewJudgeOptions}. */
export interface ChronySkewSourceOptions extends ChronySkewJudgeOptions {
  /** chronyc binary. Default `chronyc` (looked up on PATH). */
  chronycPath?: string;
  /**
   * chronyd to ask (`chronyc -h`): its Unix command socket (e.g.
   * `/run/chrony/chronyd.sock`, the reliable choice on the same host, needs
   * read/write access to it) or a host name/address for the UDP command port.
   * Default: chronyc's own default (the local socket, then 127.0.0.1 / ::1).
   */
  host?: string;
  /** chronyd's UDP command port (`chronyc -p`), for a network `host`. Default chronyc's (323). */
  port?: number;
  /** Time between the end of one poll and the start of the next. Default 1 000 ms. */
  pollIntervalMs?: number;
  /** A poll that has not answered after this long is killed and counted as `timeout`. Default 500 ms. */
  pollTimeoutMs?: number;
  /** Also run `chronyc -c sources` each poll, for reachability and logs. Default false. */
  pollSources?: boolean;
  /** Clock for poll times and freshness. Default the process {@link systemClock}. */
  clock?: Clock;
  /** Called when the status reason changes (e.g. to log it with {@link ChronySkewSource.snapshot}). May run on the thread that read `status()`: keep it cheap. */
  onStatusChange?: (status: ChronySkewStatus, previous: ChronySkewStatus) => void;
}

/**
 * chrony's view of the local clock as a {@link SkewSource}. A timer polls
 * `chronyc -c tracking` off the hot path (one child process per poll, never per
 * check, polls never overlap, each killed at `pollTimeoutMs`); `status()` is
 * synchronous and returns a cached frozen object, re-evaluated at most every
 * `statusRefreshMs` with one monotonic clock read per call.
 *
 * `maxErrorUs` = |system offset| + root dispersion + root delay / 2, grown at
 * max(`growthPpm`, chrony's skew + |residual frequency|) since the answer.
 * Not synchronised (with `maxErrorUs` = Infinity) when chrony says so, before
 * it has settled, while a leap second is pending, when its reference is stale,
 * when the last good answer is too old, or when chronyc fails; the reason says
 * which (see {@link CHRONY_SKEW_REASONS}).
 *
 * @example
 * const skew = new ChronySkewSource({ host: '/run/chrony/chronyd.sock' }).start();
 * registerChronyPrometheus(skew, registry);
 * // hot path: const { synchronized, maxErrorUs } = skew.status();
 */
export class ChronySkewSource implements SkewSource {
  private readonly judge: ChronySkewJudge;
  private readonly clock: Clock;
  private readonly target: ChronycTarget;
  private readonly pollIntervalMs: number;
  private readonly pollSources: boolean;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Bumped by every start(), so a loop from before a stop() and restart cannot schedule a second chain of polls. */
  private generation = 0;
  private inflight: Promise<ChronySkewStatus> | undefined;

  /** Throws a RangeError naming the field for an invalid option. Does not poll until {@link start} or {@link pollNow}. */
  constructor(options: ChronySkewSourceOptions = {}) {
    this.judge = new ChronySkewJudge(options, options.onStatusChange);
    this.clock = options.clock ?? systemClock();
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    const chronycPath = options.chronycPath ?? 'chronyc';
    if (typeof chronycPath !== 'string' || chronycPath.length === 0) {
      throw new RangeError('ChronySkewSource: chronycPath must be a non-empty path or command name');
    }
    if (options.host !== undefined && (typeof options.host !== 'string' || options.host.length === 0)) {
      throw new RangeError('ChronySkewSource: host must be a socket path or host name when given');
    }
    if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535)) {
      throw new RangeError(`ChronySkewSource: port must be an integer 1..65535, got ${String(options.port)}`);
    }
    this.target = Object.freeze({
      chronycPath,
      host: options.host,
      port: options.port,
      timeoutMs: requireNumberAtLeast('ChronySkewSource', 'pollTimeoutMs', options.pollTimeoutMs ?? 500, 1),
    });
    this.pollSources = options.pollSources === true;
  }

  /** @inheritdoc */
  status(): ChronySkewStatus {
    return this.judge.status(this.clock.monoNs());
  }

  /** Everything known now (last record, ages, bound, failure counts, sources), for logs and metrics. Allocates. */
  snapshot(): ChronySkewSnapshot {
    return this.judge.snapshot(this.clock.monoNs());
  }

  /** Starts polling now and every `pollIntervalMs` after each poll ends (an unref'd timer: it never keeps the process alive). */
  start(): this {
    if (this.running) return this;
    this.running = true;
    void this.loop(++this.generation);
    return this;
  }

  /** Stops polling; an in-flight poll finishes. The status then goes `poll_stale` after `pollAgeMsMax`. */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Polls once now (joining a poll already in flight) and resolves with the resulting status. Never rejects. */
  pollNow(): Promise<ChronySkewStatus> {
    if (this.inflight === undefined) {
      this.inflight = this.poll().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async loop(generation: number): Promise<void> {
    if (!this.running || generation !== this.generation) return;
    await this.pollNow();
    if (!this.running || generation !== this.generation) return;
    this.timer = setTimeout(() => void this.loop(generation), this.pollIntervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<ChronySkewStatus> {
    // Timestamp the poll at its start: chrony's numbers are as of some moment after it, so the
    // bound's growth and the poll's age are counted slightly long, never short.
    const monoNs = this.clock.monoNs();
    const wallEpochUs = this.clock.wallEpochUs();
    const [tracking, sources] = await Promise.all([
      runChronyc(this.target, 'tracking'),
      this.pollSources ? runChronyc(this.target, 'sources') : undefined,
    ]);
    if (!tracking.ok) {
      this.judge.observeFailure(tracking.kind, tracking.message, monoNs);
    } else {
      const parsed = parseChronyTracking(tracking.stdout);
      if (!parsed.ok) {
        this.judge.observeFailure('unparseable', parsed.message, monoNs);
      } else {
        const parsedSources = sources?.ok === true ? parseChronySources(sources.stdout) : undefined;
        this.judge.observeTracking(
          parsed.record,
          monoNs,
          wallEpochUs,
          parsedSources?.ok === true ? parsedSources.sources : undefined,
        );
      }
    }
    return this.status();
  }
}
