/**
 * A function for `tailguard audit --target` to replay: an engine's order
 * signing step. The Ed25519 key is generated when the module loads (an example
 * never reads key files); the payload is built once, as an engine's order
 * encoder would hand over a ready buffer.
 *
 *   tailguard audit --target packages/examples/dist/audit-target.js#signOrder --tps 2000 --duration 3
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

const privateKey: KeyObject = generateKeyPairSync('ed25519').privateKey;

// A NewOrderSingle's signed fields, SOH-joined: MsgType, ClOrdID, Symbol, Side, OrderQty, Price, TransactTime.
const ORDER_PAYLOAD = Buffer.from('D\x01ORD000001\x01XAUUSD\x011\x01100\x012000.50\x0120240102-09:30:00.000123\x01', 'utf8');

/** Signs one order payload with Ed25519 (RFC 8032, no prehash); returns the 64-byte signature. */
export function signOrder(_i: number): Buffer {
  return sign(null, ORDER_PAYLOAD, privateKey);
}
