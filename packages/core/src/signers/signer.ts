import type { Tracer } from '@opentelemetry/api';
import type { LatencyMonitor } from '../monitor/monitor.js';
import type { Operation } from '../monitor/operation.js';

/** Bytes to sign: a string is signed as its UTF-8 bytes. */
export type SignInput = string | Uint8Array;

/**
 * A synchronous, measured signer (HMAC-SHA256, Ed25519, ECDSA P-256 on
 * node:crypto). Every `sign` is recorded in {@link Signer.operation}'s window and,
 * with an OpenTelemetry SDK registered, traced as a span of that name.
 */
export interface Signer {
  /** Algorithm label, e.g. `hmac-sha256`, `ed25519`, `ecdsa-p256-sha256`. Never key material. */
  readonly algorithm: string;
  /** The operation each signature is recorded into. */
  readonly operation: Operation;
  /** Signs `data` and returns the signature (HMAC tag) bytes. */
  sign(data: SignInput): Buffer;
  /** Signs `data` and returns the signature in standard base64 (as FIX Logon RawData fields carry it). */
  signBase64(data: SignInput): string;
}

/**
 * A measured signer whose signature arrives asynchronously: a remote or
 * enclave signer, an HSM, a cloud KMS. Same measurements as {@link Signer}.
 */
export interface AsyncSigner {
  /** Algorithm label given by the caller (e.g. `ed25519`, `kms-ecdsa-p256`). */
  readonly algorithm: string;
  /** The operation each signature is recorded into. */
  readonly operation: Operation;
  /** Signs `data`; rejects when the underlying signer fails. */
  sign(data: SignInput): Promise<Buffer>;
  /** Signs `data` and resolves to the signature in standard base64. */
  signBase64(data: SignInput): Promise<string>;
}

/** Span attribute carrying the signer's algorithm (the only attribute signers set). */
export const SIGNER_ALGORITHM_ATTRIBUTE = 'tailguard.signer.algorithm';

/** Options every built-in signer takes besides its key. */
export interface SignerOptions {
  /** Monitor whose operation window records each signature. */
  monitor: LatencyMonitor;
  /** Operation name (bounded, a Prometheus label value). Each signer has its own default. */
  operation?: string;
  /** Tracer for the spans. Default the global API's `@tailguard/core` tracer. */
  tracer?: Tracer;
}
