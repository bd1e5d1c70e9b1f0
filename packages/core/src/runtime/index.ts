export {
  monitorRuntimeStalls,
  RUNTIME_STALL_OPERATIONS,
  type RuntimeStalls,
  type RuntimeStallsOptions,
} from './runtime-stalls.js';
