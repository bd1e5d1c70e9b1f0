export { instrument, TAILGUARD_TRACER_NAME, type InstrumentOptions } from './instrument.js';
export { createCallTimer, type CallTimer } from './call-timer.js';
export { ALWAYS_TRACING, globalTracerGate, tracerGateFor, type TracerGate } from './tracer-gate.js';
