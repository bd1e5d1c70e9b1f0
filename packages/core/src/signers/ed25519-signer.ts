import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { instrumentSigner } from './instrument-signer.js';
import { importPrivateKey, type PrivateKeyInput, type PrivateKeySpec } from './private-key-import.js';
import type { SignInput, Signer, SignerOptions } from './signer.js';

/** Options for {@link createEd25519Signer}. */
export interface Ed25519SignerOptions extends SignerOptions {
  /** Ed25519 private key: KeyObject, PEM, PKCS#8 DER or the raw 32-byte seed (RFC 8032). */
  privateKey: PrivateKeyInput;
  /** Operation name. Default `sign_ed25519`. */
  operation?: string;
}

// PKCS#8 header for an Ed25519 seed (RFC 8410): SEQUENCE { 0, { 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const ED25519_KEY: PrivateKeySpec = {
  who: 'createEd25519Signer',
  expected: 'an Ed25519 private key',
  rawBytes: 32,
  fromRaw: (seed) => createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
  derTypes: ['pkcs8'],
  mismatch: (key) =>
    key.asymmetricKeyType === 'ed25519' ? undefined : `is a ${String(key.asymmetricKeyType)} key, not ed25519`,
};

/**
 * A measured Ed25519 signer (RFC 8032, pure Ed25519: the message is signed as
 * is, no prehash). The key becomes a `KeyObject` once, here. A string message is
 * signed as its UTF-8 bytes. Records into `sign_ed25519` by default.
 */
export function createEd25519Signer(options: Ed25519SignerOptions): Signer {
  const key: KeyObject = importPrivateKey(ED25519_KEY, options.privateKey);
  const signEd25519 = (data: SignInput): Buffer =>
    cryptoSign(null, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, key);
  return instrumentSigner(options.monitor, options.operation ?? 'sign_ed25519', signEd25519, {
    algorithm: 'ed25519',
    tracer: options.tracer,
  });
}
