import { createPrivateKey, KeyObject } from 'node:crypto';
import { cryptoErrorCode, SignerConfigError } from './signer-config-error.js';

/**
 * A private key as the caller holds it: a `KeyObject`, PEM text (string or
 * bytes), DER bytes (PKCS#8, or SEC1 for EC) or the raw private scalar/seed bytes.
 */
export type PrivateKeyInput = KeyObject | string | Uint8Array;

/** What one asymmetric signer accepts. */
export interface PrivateKeySpec {
  /** Error prefix, e.g. `createEd25519Signer`. */
  who: string;
  /** Human name of the expected key, e.g. `an Ed25519 private key`. */
  expected: string;
  /** Length of the raw form in bytes. */
  rawBytes: number;
  /** Builds a KeyObject from the raw form (may throw; the error is replaced). */
  fromRaw(raw: Buffer): KeyObject;
  /** DER container types to try, in order. */
  derTypes: readonly ('pkcs8' | 'sec1')[];
  /** Returns a reason when the key is a private key of the wrong kind, else undefined. */
  mismatch(key: KeyObject): string | undefined;
}

const PEM_PREFIX = '-----BEGIN';

function fail(spec: PrivateKeySpec, what: string, error?: unknown): never {
  throw new SignerConfigError(
    'TG_SIGNER_KEY_INVALID',
    `${spec.who}: privateKey ${what}; expected ${spec.expected} as a KeyObject, PEM text, DER bytes (${spec.derTypes.join(' or ')}) or the raw ${spec.rawBytes} bytes`,
    error === undefined ? undefined : cryptoErrorCode(error),
  );
}

function parse(spec: PrivateKeySpec, input: PrivateKeyInput): KeyObject {
  if (input instanceof KeyObject) return input;
  if (typeof input === 'string') {
    if (!input.trimStart().startsWith(PEM_PREFIX)) fail(spec, 'is a string but not PEM text (pass DER or raw keys as bytes)');
    try {
      return createPrivateKey({ key: input, format: 'pem' });
    } catch (error) {
      fail(spec, 'is PEM text that node:crypto could not read as a private key (encrypted PEM is not supported)', error);
    }
  }
  if (!(input instanceof Uint8Array)) fail(spec, `has unsupported type ${typeof input}`);
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.subarray(0, 64).toString('latin1').trimStart().startsWith(PEM_PREFIX)) {
    try {
      return createPrivateKey({ key: bytes, format: 'pem' });
    } catch (error) {
      fail(spec, 'is PEM bytes that node:crypto could not read as a private key (encrypted PEM is not supported)', error);
    }
  }
  if (bytes.length === spec.rawBytes) {
    try {
      return spec.fromRaw(bytes);
    } catch (error) {
      fail(spec, `is ${spec.rawBytes} raw bytes that are not a valid private key`, error);
    }
  }
  let lastError: unknown;
  for (const type of spec.derTypes) {
    try {
      return createPrivateKey({ key: bytes, format: 'der', type });
    } catch (error) {
      lastError = error;
    }
  }
  return fail(spec, `is ${bytes.length} bytes that are neither DER nor the raw form`, lastError);
}

/**
 * Turns `input` into a private `KeyObject` once, at signer creation, and checks
 * its kind. Errors name what is wrong and never echo key material.
 */
export function importPrivateKey(spec: PrivateKeySpec, input: PrivateKeyInput): KeyObject {
  const key = parse(spec, input);
  if (key.type !== 'private') fail(spec, `is a ${key.type} key`);
  const reason = spec.mismatch(key);
  if (reason !== undefined) fail(spec, reason);
  return key;
}
