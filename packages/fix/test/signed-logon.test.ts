import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createEd25519Signer, createHmacSha256Signer, type Signer } from '@tailguard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519LogonVerifier, hmacSha256LogonVerifier, startLoopback, type LoopbackHarness } from '@tailguard/fix';
import { CapturingLogFactory, makeMetrics, order, until } from './fix-test-kit.js';

const PASSWORD = 'pw-5ecret-d0-not-log';
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const logs = new CapturingLogFactory();
const signatures: string[] = [];

/** Keeps every signature the engine sent so the test can look for it in logs and spans. */
function remembering(signer: Signer): Signer {
  return {
    algorithm: signer.algorithm,
    operation: signer.operation,
    sign: (d) => signer.sign(d),
    signBase64: (d) => {
      const s = signer.signBase64(d);
      signatures.push(s);
      return s;
    },
  };
}

let h: LoopbackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('signed logon', () => {
  it('accepts an HMAC-SHA256 logon, refuses a wrong key, and records the signing time', async () => {
    const { monitor, metrics } = makeMetrics();
    const secret = randomBytes(32);
    const signer = remembering(createHmacSha256Signer({ monitor, key: secret, operation: 'sign_logon_hmac' }));
    h = await startLoopback({
      metrics,
      logFactory: logs,
      venue: { logonVerifier: hmacSha256LogonVerifier(secret), ordersWithoutQuoteId: 'fill', counterparties: ['GOOD', 'BAD'] },
      engines: [{ senderCompId: 'GOOD', password: PASSWORD, engine: { logonSigning: { signer }, tracer: provider.getTracer('t') } }],
    });
    expect(monitor.operation('sign_logon_hmac').window.count()).toBe(1);
    h.engine.sendOrder(order('signed-1'));
    await until(() => h!.engine.pendingOrderCount() === 0, 5_000, 'fill');

    const wrong = remembering(createHmacSha256Signer({ monitor, key: randomBytes(32), operation: 'sign_logon_wrong' }));
    await expect(h.addEngine({ senderCompId: 'BAD', password: PASSWORD, engine: { logonSigning: { signer: wrong } } })).rejects.toThrow(/ended before logon/);
    expect([...metrics.sessions()].find((s) => s.session === 'BAD')!.logonsRefusedTotal).toBe(1);
  });

  it('accepts an Ed25519 logon and refuses one signed by another key', async () => {
    const { monitor, metrics } = makeMetrics();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519');
    h = await startLoopback({
      metrics,
      logFactory: logs,
      venue: { logonVerifier: (peer) => (peer === 'ED' || peer === 'ED2' ? ed25519LogonVerifier(publicKey) : undefined), ordersWithoutQuoteId: 'fill', counterparties: ['ED', 'ED2'] },
      engines: [{ senderCompId: 'ED', password: PASSWORD, engine: { logonSigning: { signer: remembering(createEd25519Signer({ monitor, privateKey })) }, tracer: provider.getTracer('t') } }],
    });
    expect(monitor.operation('sign_ed25519').window.count()).toBe(1);
    h.engine.sendOrder(order('ed-1'));
    await until(() => h!.engine.pendingOrderCount() === 0, 5_000, 'fill');
    const forged = remembering(createEd25519Signer({ monitor, privateKey: other.privateKey, operation: 'sign_forged' }));
    await expect(h.addEngine({ senderCompId: 'ED2', password: PASSWORD, engine: { logonSigning: { signer: forged } } })).rejects.toThrow(/ended before logon/);
  });

  it('never puts Password or RawData in a log line or a span', () => {
    expect(signatures.length).toBeGreaterThanOrEqual(4);
    expect(logs.lines.length).toBeGreaterThan(50); // jspurefix really logged (debug level included)
    expect(logs.lines.filter((l) => l.includes('will not be sent'))).toEqual([]); // every field we send is in the dictionary
    const spans = JSON.stringify(exporter.getFinishedSpans().map((s) => ({ a: s.attributes, e: s.events, n: s.name, st: s.status })));
    expect(spans).toContain('signed-1');
    for (const secret of [PASSWORD, ...signatures]) {
      for (const line of logs.lines) expect(line).not.toContain(secret);
      expect(spans).not.toContain(secret);
    }
  });
});
