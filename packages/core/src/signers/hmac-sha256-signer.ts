import { createHmac, createSecretKey, KeyObject } from 'node:crypto';
import { instrumentSigner } from './instrument-signer.js';
import type { SignInput, Signer, SignerOptions } from './signer.js';
import { SignerConfigError } from './signer-config-error.js';

/** Text encodings accepted for an HMAC secret given as a string. */
export const HMAC_KEY_ENCODINGS = ['utf8', 'hex', 'base64', 'base64url'] as const;

/** One of {@link HMAC_KEY_ENCODINGS}. */
export type HmacKeyEncoding = (typeof HMAC_KEY_ENCODINGS)[number];

/** Options for {@link createHmacSha256Signer}. */
export interface HmacSha256SignerOptions extends SignerOptions {
  /** The shared secret: a secret KeyObject, bytes, or a string decoded with `keyEncoding`. */
  key: KeyObject | Uint8Array | string;
  /**
   * How a string `key` is decoded. Default `utf8`. Venues that hand out base64
   * secrets (and sign with the decoded bytes) need `base64`.
   */
  keyEncoding?: HmacKeyEncoding;
  /** Operation name. Default `sign_hmac_sha256`. */
  operation?: string;
}

const WHO = 'createHmacSha256Signer';
const TEXT_FORMS: Record<HmacKeyEncoding, RegExp> = {
  utf8: /^[\s\S]+$/,
  hex: /^(?:[0-9a-fA-F]{2})+$/,
  base64: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  base64url: /^[A-Za-z0-9_-]+$/,
};

function keyError(what: string): never {
  throw new SignerConfigError('TG_SIGNER_KEY_INVALID', `${WHO}: key ${what}`);
}

function importSecret(key: HmacSha256SignerOptions['key'], encoding: HmacKeyEncoding): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'secret') keyError(`is a ${key.type} KeyObject; pass a secret key (crypto.createSecretKey)`);
    if (key.symmetricKeySize === 0) keyError('is empty');
    return key;
  }
  if (typeof key === 'string') {
    if (!(HMAC_KEY_ENCODINGS as readonly string[]).includes(encoding)) {
      throw new SignerConfigError(
        'TG_SIGNER_OPTION_INVALID',
        `${WHO}: keyEncoding must be one of ${HMAC_KEY_ENCODINGS.join(', ')}`,
      );
    }
    if (key.length === 0) keyError('is empty');
    if (!TEXT_FORMS[encoding].test(key)) keyError(`is not valid ${encoding} text; check keyEncoding`);
    return createSecretKey(Buffer.from(key, encoding));
  }
  if (key instanceof Uint8Array) {
    if (key.byteLength === 0) keyError('is empty');
    // createSecretKey copies the bytes, so the caller may wipe its buffer afterwards.
    return createSecretKey(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
  }
  return keyError(`has unsupported type ${typeof key}; pass a secret KeyObject, bytes or a string`);
}

/**
 * A measured HMAC-SHA256 signer (RFC 2104), e.g. for venue logons that sign a
 * prehash string. The secret becomes a `KeyObject` once, here; each `sign`
 * computes one tag (node:crypto allocates the Hmac context per call; it cannot
 * be reset and reused). Records into `sign_hmac_sha256` by default.
 */
export function createHmacSha256Signer(options: HmacSha256SignerOptions): Signer {
  const key = importSecret(options.key, options.keyEncoding ?? 'utf8');
  const signHmac = (data: SignInput): Buffer => createHmac('sha256', key).update(data).digest();
  return instrumentSigner(options.monitor, options.operation ?? 'sign_hmac_sha256', signHmac, {
    algorithm: 'hmac-sha256',
    tracer: options.tracer,
  });
}
