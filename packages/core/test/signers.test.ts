import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  verify,
} from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEcdsaP256Signer,
  createEd25519Signer,
  createHmacSha256Signer,
  instrumentAsyncSigner,
  LatencyMonitor,
  ManualClock,
  SignerConfigError,
} from '@tailguard/core';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});

function newMonitor(): LatencyMonitor {
  return new LatencyMonitor({ clock: new ManualClock(), autoTick: false });
}

/** Asserts `fn` throws a key error whose message contains none of the key's renderings. */
function expectKeyErrorWithoutKey(fn: () => unknown, keyBytes: Buffer, mentions: RegExp): SignerConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SignerConfigError);
  const error = caught as SignerConfigError;
  expect(error.code).toBe('TG_SIGNER_KEY_INVALID');
  expect(error.message).toMatch(mentions);
  const text = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`;
  for (const rendering of [keyBytes.toString('hex'), keyBytes.toString('base64'), keyBytes.toString('latin1')]) {
    expect(text.toLowerCase()).not.toContain(rendering.toLowerCase());
  }
  expect(error.cause).toBeUndefined();
  return error;
}

// RFC 8032 section 7.1, TEST 1 (empty message).
const RFC8032_SECRET = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const RFC8032_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
const RFC8032_SIGNATURE =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

describe('createHmacSha256Signer', () => {
  it('matches RFC 4231 test cases 1 and 2 and node:crypto createHmac', () => {
    const monitor = newMonitor();
    // Test case 1: key = 0x0b × 20, data = "Hi There".
    const tc1 = createHmacSha256Signer({ monitor, key: '0b'.repeat(20), keyEncoding: 'hex' });
    expect(tc1.sign('Hi There').toString('hex')).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    // Test case 2: key = "Jefe", data = "what do ya want for nothing?".
    const tc2 = createHmacSha256Signer({ monitor, key: Buffer.from('Jefe'), operation: 'sign_jefe' });
    expect(tc2.sign(Buffer.from('what do ya want for nothing?')).toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    // A base64 secret, as venues issue them, signed with its decoded bytes.
    const secret = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const venue = createHmacSha256Signer({ monitor, key: secret.toString('base64'), keyEncoding: 'base64' });
    const prehash = '1700000000.123GET/orders';
    expect(venue.signBase64(prehash)).toBe(createHmac('sha256', secret).update(prehash).digest('base64'));
    const fromKeyObject = createHmacSha256Signer({ monitor, key: createSecretKey(secret), operation: 'sign_ko' });
    expect(fromKeyObject.sign(prehash).equals(venue.sign(prehash))).toBe(true);
    expect(tc1.algorithm).toBe('hmac-sha256');
  });

  it('records every sign (and signBase64) in its operation window', () => {
    const monitor = newMonitor();
    const signer = createHmacSha256Signer({ monitor, key: 'secret-1' });
    signer.sign('a');
    signer.sign('b');
    signer.signBase64('c');
    expect(signer.operation.name).toBe('sign_hmac_sha256');
    expect(monitor.operation('sign_hmac_sha256').window.count()).toBe(3);
  });

  it('rejects bad keys with a config error that does not echo the key', () => {
    const monitor = newMonitor();
    const notHex = 'zz-super-secret-hmac-key-material-zz';
    expectKeyErrorWithoutKey(
      () => createHmacSha256Signer({ monitor, key: notHex, keyEncoding: 'hex' }),
      Buffer.from(notHex),
      /not valid hex/,
    );
    expect(() => createHmacSha256Signer({ monitor, key: '' })).toThrow(/key is empty/);
    expect(() => createHmacSha256Signer({ monitor, key: new Uint8Array(0) })).toThrow(/key is empty/);
    const { publicKey } = generateKeyPairSync('ed25519');
    expectKeyErrorWithoutKey(
      () => createHmacSha256Signer({ monitor, key: publicKey }),
      publicKey.export({ format: 'der', type: 'spki' }),
      /public KeyObject/,
    );
    expect(() =>
      createHmacSha256Signer({ monitor, key: 'k', keyEncoding: 'latin1' as 'utf8' }),
    ).toThrow(/keyEncoding must be one of/);
  });
});

describe('createEd25519Signer', () => {
  it('reproduces RFC 8032 test 1 from the raw seed, PKCS#8 DER and PEM', () => {
    const monitor = newMonitor();
    const fromSeed = createEd25519Signer({ monitor, privateKey: RFC8032_SECRET });
    expect(fromSeed.sign(Buffer.alloc(0)).toString('hex')).toBe(RFC8032_SIGNATURE);
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), RFC8032_SECRET]);
    const pem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' });
    expect(createEd25519Signer({ monitor, privateKey: pkcs8 }).sign('').toString('hex')).toBe(RFC8032_SIGNATURE);
    expect(createEd25519Signer({ monitor, privateKey: pem as string }).sign('').toString('hex')).toBe(RFC8032_SIGNATURE);
    const publicKey = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, RFC8032_PUBLIC]),
      format: 'der',
      type: 'spki',
    });
    const logon = '35=A\u000134=1\u000149=CLIENT\u000152=20240101-00:00:00.000\u000156=VENUE';
    const signature = fromSeed.sign(logon);
    expect(verify(null, Buffer.from(logon), publicKey, signature)).toBe(true);
    expect(fromSeed.signBase64(logon)).toBe(signature.toString('base64'));
    expect(monitor.operation('sign_ed25519').window.count()).toBe(5);
  });

  it('rejects bad keys with a config error that does not echo the key', () => {
    const monitor = newMonitor();
    const short = Buffer.from('a5'.repeat(31), 'hex');
    expectKeyErrorWithoutKey(() => createEd25519Signer({ monitor, privateKey: short }), short, /31 bytes/);
    const { privateKey: ecKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ecDer = ecKey.export({ format: 'der', type: 'pkcs8' });
    expectKeyErrorWithoutKey(() => createEd25519Signer({ monitor, privateKey: ecDer }), ecDer, /not ed25519/);
    const { publicKey } = generateKeyPairSync('ed25519');
    expectKeyErrorWithoutKey(
      () => createEd25519Signer({ monitor, privateKey: publicKey }),
      publicKey.export({ format: 'der', type: 'spki' }),
      /public key/,
    );
    const fakePem = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXNlY3JldC1zZWNyZXQ=\n-----END PRIVATE KEY-----\n';
    expectKeyErrorWithoutKey(
      () => createEd25519Signer({ monitor, privateKey: fakePem }),
      Buffer.from('c2VjcmV0LXNlY3JldC1zZWNyZXQ=', 'base64'),
      /PEM text/,
    );
  });
});

describe('createEcdsaP256Signer', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('signs verifiably from a KeyObject, SEC1 PEM, PKCS#8 DER and the raw scalar, in DER or P1363', () => {
    const monitor = newMonitor();
    const jwk = privateKey.export({ format: 'jwk' });
    const inputs = [
      privateKey,
      privateKey.export({ format: 'pem', type: 'sec1' }) as string,
      privateKey.export({ format: 'der', type: 'pkcs8' }),
      privateKey.export({ format: 'der', type: 'sec1' }),
      Buffer.from(jwk.d!, 'base64url'),
    ];
    const data = 'GET /api/v3/order?symbol=BTCUSDT&timestamp=1700000000000';
    for (const input of inputs) {
      const signer = createEcdsaP256Signer({ monitor, privateKey: input });
      expect(verify('sha256', Buffer.from(data), publicKey, signer.sign(data))).toBe(true);
    }
    const p1363 = createEcdsaP256Signer({ monitor, privateKey, signatureEncoding: 'ieee-p1363' });
    const sig = p1363.sign(data);
    expect(sig).toHaveLength(64);
    expect(verify('sha256', Buffer.from(data), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    expect(p1363.algorithm).toBe('ecdsa-p256-sha256');
    expect(monitor.operation('sign_ecdsa_p256').window.count()).toBe(inputs.length + 1);
  });

  it('rejects keys on another curve, a zero scalar and bad options', () => {
    const monitor = newMonitor();
    const { privateKey: p384 } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const p384Der = p384.export({ format: 'der', type: 'pkcs8' });
    expectKeyErrorWithoutKey(() => createEcdsaP256Signer({ monitor, privateKey: p384Der }), p384Der, /secp384r1/);
    const zero = Buffer.alloc(32);
    expectKeyErrorWithoutKey(() => createEcdsaP256Signer({ monitor, privateKey: zero }), Buffer.from('00'.repeat(8)), /raw bytes/);
    expect(() =>
      createEcdsaP256Signer({ monitor, privateKey, signatureEncoding: 'raw' as 'der' }),
    ).toThrow(/signatureEncoding must be one of/);
  });
});

describe('spans of the signers', () => {
  it('carry only the algorithm, never key material', () => {
    exporter.reset();
    const monitor = newMonitor();
    const secret = 'hmac-secret-for-span-test';
    createHmacSha256Signer({ monitor, key: secret }).sign('x');
    createEd25519Signer({ monitor, privateKey: RFC8032_SECRET }).sign('x');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['sign_hmac_sha256', 'sign_ed25519']);
    expect(spans.map((s) => s.attributes)).toEqual([
      { 'tailguard.signer.algorithm': 'hmac-sha256' },
      { 'tailguard.signer.algorithm': 'ed25519' },
    ]);
    const dump = JSON.stringify(spans.map((s) => ({ a: s.attributes, e: s.events, n: s.name })));
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(RFC8032_SECRET.toString('hex'));
  });
});

describe('instrumentAsyncSigner', () => {
  const ed = createEd25519Signer({ monitor: newMonitor(), privateKey: RFC8032_SECRET });

  it('measures a remote signer and returns its signature as a Buffer', async () => {
    exporter.reset();
    const clock = new ManualClock();
    const monitor = new LatencyMonitor({ clock, autoTick: false });
    const remote = instrumentAsyncSigner(
      monitor,
      'sign_kms',
      async (data) => {
        await tick();
        clock.advanceNs(1_800);
        return new Uint8Array(ed.sign(data)); // a plain Uint8Array, as a KMS client returns
      },
      { algorithm: 'ed25519' },
    );
    const signature = await remote.sign('');
    expect(Buffer.isBuffer(signature)).toBe(true);
    expect(signature.toString('hex')).toBe(RFC8032_SIGNATURE);
    expect(await remote.signBase64('')).toBe(Buffer.from(RFC8032_SIGNATURE, 'hex').toString('base64'));
    expect(monitor.operation('sign_kms').window.snapshot()).toMatchObject({ count: 2, maxNs: 1_800 });
    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'sign_kms');
    expect(spans).toHaveLength(2);
    expect(spans[0]!.kind).toBe(SpanKind.CLIENT);
  });

  it('records and propagates a rejection and a synchronous throw', async () => {
    exporter.reset();
    const monitor = newMonitor();
    const rejecting = instrumentAsyncSigner(monitor, 'sign_hsm', async () => {
      await tick();
      throw new Error('HSM session closed');
    });
    await expect(rejecting.sign('x')).rejects.toThrow('HSM session closed');
    const throwing = instrumentAsyncSigner(monitor, 'sign_enclave', () => {
      throw new Error('enclave unreachable');
    });
    const pending = throwing.sign('x');
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toThrow('enclave unreachable');
    expect(monitor.operation('sign_hsm').window.count()).toBe(1);
    expect(monitor.operation('sign_enclave').window.count()).toBe(1);
    const failed = exporter.getFinishedSpans().filter((s) => s.status.code === SpanStatusCode.ERROR);
    expect(failed.map((s) => s.name)).toEqual(['sign_hsm', 'sign_enclave']);
  });

  it('rejects a missing monitor or signFn as configuration errors', () => {
    expect(() => instrumentAsyncSigner(undefined as unknown as LatencyMonitor, 'x', async () => new Uint8Array())).toThrow(
      /monitor must be a LatencyMonitor/,
    );
    expect(() => instrumentAsyncSigner(newMonitor(), 'x', 42 as unknown as () => Uint8Array)).toThrow(/signFn must be a function/);
  });
});
