import { createConnection, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startLoopback, type LoopbackHarness } from '@tailguard/fix';
import { makeMetrics, until } from './fix-test-kit.js';

const SOH = '\x01';

function stamp(): string {
  const iso = new Date().toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 23)}`;
}

/** A FIX 4.4 message with a correct BodyLength and CheckSum unless `badChecksum`. */
function fix(msgType: string, seq: number, body: [number, string | number][], badChecksum = false): string {
  const fields: [number, string | number][] = [[35, msgType], [49, 'RAW'], [56, 'VENUE'], [34, seq], [52, stamp()], ...body];
  const payload = fields.map(([t, v]) => `${t}=${v}${SOH}`).join('');
  const head = `8=FIX.4.4${SOH}9=${Buffer.byteLength(payload)}${SOH}`;
  let sum = 0;
  for (const b of Buffer.from(head + payload)) sum += b;
  const checksum = ((sum + (badChecksum ? 7 : 0)) % 256).toString().padStart(3, '0');
  return `${head}${payload}10=${checksum}${SOH}`;
}

function nos(seq: number, clOrdId: string | null, extra: [number, string | number][] = [], badChecksum = false): string {
  const body: [number, string | number][] = [[55, 'XAUUSD'], [54, '1'], [60, stamp()], [38, 1], [40, '2'], [44, 2000], ...extra];
  return fix('D', seq, clOrdId === null ? body : [[11, clOrdId], ...body], badChecksum);
}

const { metrics } = makeMetrics();
let h: LoopbackHarness | undefined;
let socket: Socket | undefined;
afterAll(async () => {
  socket?.destroy();
  await h?.stop();
});

describe('malformed inbound traffic', () => {
  it('counts bad checksum, missing ClOrdID and oversized messages, and the session keeps serving', async () => {
    h = await startLoopback({ metrics, engines: [], venue: { ordersWithoutQuoteId: 'fill', inboundMessageBytesMax: 2_048 } });
    let received = '';
    socket = createConnection({ host: '127.0.0.1', port: h.port });
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (received += d));
    await new Promise<void>((resolve) => socket!.once('connect', () => resolve()));

    socket.write(fix('A', 1, [[98, 0], [108, 30], [141, 'Y']]));
    await until(() => received.includes(`${SOH}35=A${SOH}`), 5_000, 'logon response');

    socket.write(nos(2, 'bad-checksum', [], true));
    socket.write(nos(3, null));
    socket.write(nos(4, 'oversized', [[58, 'x'.repeat(8_000)]]));
    socket.write(nos(5, 'good'));
    await until(() => received.includes(`${SOH}11=good${SOH}`), 5_000, 'fill of the good order');

    const fills = received.split(`${SOH}8=FIX.4.4`).filter((m) => m.includes(`${SOH}35=8${SOH}`));
    expect(fills).toHaveLength(1); // only the good order was executed
    expect(fills[0]).toContain(`${SOH}39=2${SOH}`);
    expect(received).toContain(`${SOH}35=3${SOH}`); // session-level rejects for the malformed ones

    const other = [...metrics.sessions()].find((s) => s.session === 'other')!;
    const m = Object.fromEntries(['incorrect_value', 'required_tag_missing', 'invalid_tag', 'invalid_msg_type', 'session_reject', 'missing_cl_ord_id', 'oversized'].map((r, i) => [r, other.malformed[i]]));
    expect(m).toEqual({ incorrect_value: 1, required_tag_missing: 1, invalid_tag: 0, invalid_msg_type: 0, session_reject: 0, missing_cl_ord_id: 0, oversized: 1 });
    expect(other.up).toBe(1);
    expect(other.venueFilledTotal).toBe(1);
  });
});
