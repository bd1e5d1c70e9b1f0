import { createHmac, createPublicKey, createSecretKey, KeyObject, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import type { AsyncSigner, Signer } from '@tailguard/core';
import type { ISessionDescription, ILooseObject } from 'jspurefix';
import { AsciiSessionMsgFactory } from './jspurefix.js';

/** The Logon fields a venue's prehash string is built from (raw wire strings). */
export interface LogonPrehashFields {
  /** SendingTime(52) exactly as on the wire. */
  sendingTime: string;
  /** MsgType(35): `A`. */
  msgType: string;
  /** MsgSeqNum(34). */
  msgSeqNum: number;
  /** SenderCompID(49). */
  senderCompId: string;
  /** TargetCompID(56). */
  targetCompId: string;
  /** Password(554), or '' when none. */
  password: string;
}

/** Builds the string a venue signs for a Logon. */
export type LogonPrehash = (fields: LogonPrehashFields) => string;

/**
 * The prehash most crypto venues use (Coinbase's FIX logon): SendingTime,
 * MsgType, MsgSeqNum, SenderCompID, TargetCompID and Password joined by SOH.
 */
export const sohJoinedLogonPrehash: LogonPrehash = (f) =>
  `${f.sendingTime}\x01${f.msgType}\x01${f.msgSeqNum}\x01${f.senderCompId}\x01${f.targetCompId}\x01${f.password}`;

/** How an initiator signs its Logon. */
export interface LogonSigning {
  /** One of core's measured signers (its window records the signing time). */
  signer: Signer | AsyncSigner;
  /** Venue's prehash. Default {@link sohJoinedLogonPrehash}. */
  prehash?: LogonPrehash;
}

/** Verifies a Logon signature (base64 in RawData(96)) against a prehash string. */
export interface LogonVerifier {
  /** True when `signatureBase64` signs `prehash`. Never throws. */
  verify(prehash: string, signatureBase64: string): boolean;
}

/** An HMAC-SHA256 verifier; the secret becomes a KeyObject once. */
export function hmacSha256LogonVerifier(secret: KeyObject | Uint8Array | string): LogonVerifier {
  const key = secret instanceof KeyObject ? secret : createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
  return {
    verify(prehash, signatureBase64) {
      const expected = createHmac('sha256', key).update(prehash).digest();
      const given = Buffer.from(signatureBase64, 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/** An Ed25519 verifier from the signer's public key (KeyObject or PEM). */
export function ed25519LogonVerifier(publicKey: KeyObject | string): LogonVerifier {
  const key = publicKey instanceof KeyObject ? publicKey : createPublicKey(publicKey);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`ed25519LogonVerifier: publicKey is a ${String(key.asymmetricKeyType)} key; pass an Ed25519 public key`);
  }
  return {
    verify(prehash, signatureBase64) {
      try {
        return cryptoVerify(null, Buffer.from(prehash, 'utf8'), key, Buffer.from(signatureBase64, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

/**
 * jspurefix's session message factory with one addition: the SendingTime of
 * the next Logon can be pinned, so the signature computed before sending
 * covers exactly the SendingTime(52) that goes on the wire. Install it with
 * `FixLauncher`'s `makeMsgFactory` on initiators that sign their Logon.
 */
export class SignedLogonMsgFactory extends AsciiSessionMsgFactory {
  private pinnedLogonTime: Date | null = null;

  /** Uses `time` as SendingTime of the next Logon header. */
  pinLogonSendingTime(time: Date): void {
    this.pinnedLogonTime = time;
  }

  override header(msgType: string, seqNum: number, time: Date, overrideData?: ILooseObject): ILooseObject {
    if (msgType === 'A' && this.pinnedLogonTime !== null) {
      time = this.pinnedLogonTime;
      this.pinnedLogonTime = null;
    }
    return super.header(msgType, seqNum, time, overrideData);
  }

  /** A factory for `description` (the `makeMsgFactory` shape). */
  static for(description: ISessionDescription): SignedLogonMsgFactory {
    return new SignedLogonMsgFactory(description);
  }
}
