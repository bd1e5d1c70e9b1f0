export { LatencyMonitor, type LatencyMonitorOptions } from './monitor.js';
export { Operation, type LatencySink } from './operation.js';
