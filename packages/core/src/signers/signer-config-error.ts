/** Stable codes of {@link SignerConfigError}. */
export const SIGNER_CONFIG_ERROR_CODES = ['TG_SIGNER_KEY_INVALID', 'TG_SIGNER_OPTION_INVALID'] as const;

/** One of {@link SIGNER_CONFIG_ERROR_CODES}. */
export type SignerConfigErrorCode = (typeof SIGNER_CONFIG_ERROR_CODES)[number];

/**
 * A signer was configured wrongly (a key of the wrong type, curve or length, a
 * bad option). Thrown at creation, never per call. The message names the field
 * and what to fix and never contains key material; the underlying node:crypto
 * error is not attached (only its `code`, in `cryptoCode`).
 */
export class SignerConfigError extends TypeError {
  /** Stable code to match on instead of the message. */
  readonly code: SignerConfigErrorCode;
  /** node:crypto / OpenSSL error code when a key failed to import (e.g. `ERR_OSSL_UNSUPPORTED`). */
  readonly cryptoCode: string | undefined;

  constructor(code: SignerConfigErrorCode, message: string, cryptoCode?: string) {
    super(cryptoCode === undefined ? message : `${message} (${cryptoCode})`);
    this.name = 'SignerConfigError';
    this.code = code;
    this.cryptoCode = cryptoCode;
  }
}

/** The `code` of a node:crypto error when it is a plain identifier, else undefined (never free text). */
export function cryptoErrorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
}
