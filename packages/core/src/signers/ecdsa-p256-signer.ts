import { createECDH, createPrivateKey, sign as cryptoSign, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import { instrumentSigner } from './instrument-signer.js';
import { importPrivateKey, type PrivateKeyInput, type PrivateKeySpec } from './private-key-import.js';
import type { SignInput, Signer, SignerOptions } from './signer.js';
import { SignerConfigError } from './signer-config-error.js';

/** Signature encodings for ECDSA: ASN.1 DER (node's default) or `r || s` (IEEE P1363, JOSE `ES256`). */
export const ECDSA_SIGNATURE_ENCODINGS = ['der', 'ieee-p1363'] as const;

/** One of {@link ECDSA_SIGNATURE_ENCODINGS}. */
export type EcdsaSignatureEncoding = (typeof ECDSA_SIGNATURE_ENCODINGS)[number];

/** Options for {@link createEcdsaP256Signer}. */
export interface EcdsaP256SignerOptions extends SignerOptions {
  /** P-256 private key: KeyObject, PEM (PKCS#8 or SEC1), DER (PKCS#8 or SEC1) or the raw 32-byte scalar. */
  privateKey: PrivateKeyInput;
  /** Signature encoding. Default `der`; `ieee-p1363` gives the fixed 64-byte `r || s`. */
  signatureEncoding?: EcdsaSignatureEncoding;
  /** Operation name. Default `sign_ecdsa_p256`. */
  operation?: string;
}

function rawScalarToKey(d: Buffer): KeyObject {
  // setPrivateKey rejects a scalar outside [1, n-1]; the public point makes a complete JWK.
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  return createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: d.toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
}

const P256_KEY: PrivateKeySpec = {
  who: 'createEcdsaP256Signer',
  expected: 'a P-256 (prime256v1) EC private key',
  rawBytes: 32,
  fromRaw: rawScalarToKey,
  derTypes: ['pkcs8', 'sec1'],
  mismatch: (key) => {
    if (key.asymmetricKeyType !== 'ec') return `is a ${String(key.asymmetricKeyType)} key, not EC`;
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === 'prime256v1' ? undefined : `is on curve ${String(curve)}, not P-256 (prime256v1)`;
  },
};

/**
 * A measured ECDSA P-256 / SHA-256 signer. The key becomes a `KeyObject` and the
 * signing options object is built once, here. A string message is signed as its
 * UTF-8 bytes. Signatures are randomised (OpenSSL), so verify them rather than
 * comparing bytes. Records into `sign_ecdsa_p256` by default.
 */
export function createEcdsaP256Signer(options: EcdsaP256SignerOptions): Signer {
  const dsaEncoding = options.signatureEncoding ?? 'der';
  if (!(ECDSA_SIGNATURE_ENCODINGS as readonly string[]).includes(dsaEncoding)) {
    throw new SignerConfigError(
      'TG_SIGNER_OPTION_INVALID',
      `createEcdsaP256Signer: signatureEncoding must be one of ${ECDSA_SIGNATURE_ENCODINGS.join(', ')}, got ${JSON.stringify(dsaEncoding)}`,
    );
  }
  const signKey: SignKeyObjectInput = { key: importPrivateKey(P256_KEY, options.privateKey), dsaEncoding };
  const signEcdsa = (data: SignInput): Buffer =>
    cryptoSign('sha256', typeof data === 'string' ? Buffer.from(data, 'utf8') : data, signKey);
  return instrumentSigner(options.monitor, options.operation ?? 'sign_ecdsa_p256', signEcdsa, {
    algorithm: 'ecdsa-p256-sha256',
    tracer: options.tracer,
  });
}
