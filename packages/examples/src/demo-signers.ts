import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createEcdsaP256Signer, createEd25519Signer, createHmacSha256Signer, type LatencyMonitor, type Signer } from '@tailguard/core';

/**
 * The three built-in signers with keys generated now (a demo never reads key
 * files). Each records into its default operation: `sign_hmac_sha256`,
 * `sign_ed25519`, `sign_ecdsa_p256`.
 */
export function createDemoSigners(monitor: LatencyMonitor): Signer[] {
  return [
    createHmacSha256Signer({ monitor, key: randomBytes(32) }),
    createEd25519Signer({ monitor, privateKey: generateKeyPairSync('ed25519').privateKey }),
    createEcdsaP256Signer({ monitor, privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey }),
  ];
}

/**
 * What the demo signs: a venue logon prehash of the kind FIX venues require
 * (MsgType, SenderCompID, TargetCompID, MsgSeqNum, SendingTime).
 */
export const DEMO_SIGNING_PAYLOAD = 'A\x0120240102-09:30:00.000123\x011\x01ENGINE01\x01VENUE\x01';
