/**
 * @tailguard/core: measure the execution path truthfully (sliding-window HDR
 * histograms, call-site spans, signers, open-loop load replay, exporters) and
 * guard it (last-look quote checks, rollout, detection, clock error).
 * No network I/O and no side effects on import.
 */
export * from './clock/index.js';
export * from './window/index.js';
export * from './monitor/index.js';
export * from './spans/index.js';
export * from './signers/index.js';
export * from './load/index.js';
export * from './export/index.js';
export * from './runtime/index.js';
export * from './skew/index.js';
export * from './quote/index.js';
export * from './rollout/index.js';
export * from './detection/index.js';
export * from './audit/index.js';
export * from './host-audit/index.js';
export * from './breaker/index.js';
export * from './report/index.js';
