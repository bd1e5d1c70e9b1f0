import { SpanKind, type Tracer } from '@opentelemetry/api';
import type { LatencyMonitor } from '../monitor/monitor.js';
import { instrument } from '../spans/instrument.js';
import { SIGNER_ALGORITHM_ATTRIBUTE, type AsyncSigner, type SignInput, type Signer } from './signer.js';
import { SignerConfigError } from './signer-config-error.js';

/** Options for {@link instrumentSigner} and {@link instrumentAsyncSigner}. */
export interface InstrumentSignerOptions {
  /** Algorithm label (span attribute and `algorithm` field). Default `custom` / `remote`. */
  algorithm?: string;
  /** Tracer for the spans. Default the global API's `@tailguard/core` tracer. */
  tracer?: Tracer;
  /** Span kind. Default INTERNAL for a local signer, CLIENT for an async (remote) one. */
  kind?: SpanKind;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkArgs(who: string, monitor: LatencyMonitor, signFn: unknown): void {
  if (monitor === null || typeof monitor !== 'object' || typeof monitor.operation !== 'function') {
    throw new SignerConfigError('TG_SIGNER_OPTION_INVALID', `${who}: monitor must be a LatencyMonitor`);
  }
  if (typeof signFn !== 'function') {
    throw new SignerConfigError('TG_SIGNER_OPTION_INVALID', `${who}: signFn must be a function, got ${typeof signFn}`);
  }
}

/**
 * Measures a synchronous signing function as a {@link Signer}: each call is
 * recorded in `monitor.operation(name)` and traced when an SDK is registered.
 * The built-in node:crypto signers are made with this.
 */
export function instrumentSigner(
  monitor: LatencyMonitor,
  name: string,
  signFn: (data: SignInput) => Uint8Array,
  options: InstrumentSignerOptions = {},
): Signer {
  checkArgs('instrumentSigner', monitor, signFn);
  const algorithm = options.algorithm ?? 'custom';
  const sign = instrument(monitor, name, (data: SignInput): Buffer => toBuffer(signFn(data)), {
    tracer: options.tracer,
    kind: options.kind ?? SpanKind.INTERNAL,
    attributes: { [SIGNER_ALGORITHM_ATTRIBUTE]: algorithm },
  });
  return {
    algorithm,
    operation: monitor.operation(name),
    sign,
    signBase64: (data) => sign(data).toString('base64'),
  };
}

/**
 * Adapts a remote or asynchronous signer (an enclave, an HSM, a cloud KMS) so
 * the same measurements apply: each call's time to settle is recorded in
 * `monitor.operation(name)` and traced (kind CLIENT by default) when an SDK is
 * registered. A rejection, or a synchronous throw of `signFn`, is recorded and
 * surfaces as a rejection of `sign`.
 */
export function instrumentAsyncSigner(
  monitor: LatencyMonitor,
  name: string,
  signFn: (data: SignInput) => PromiseLike<Uint8Array> | Uint8Array,
  options: InstrumentSignerOptions = {},
): AsyncSigner {
  checkArgs('instrumentAsyncSigner', monitor, signFn);
  const algorithm = options.algorithm ?? 'remote';
  const sign = instrument(monitor, name, async (data: SignInput): Promise<Buffer> => toBuffer(await signFn(data)), {
    tracer: options.tracer,
    kind: options.kind ?? SpanKind.CLIENT,
    attributes: { [SIGNER_ALGORITHM_ATTRIBUTE]: algorithm },
  });
  return {
    algorithm,
    operation: monitor.operation(name),
    sign,
    signBase64: async (data) => (await sign(data)).toString('base64'),
  };
}
