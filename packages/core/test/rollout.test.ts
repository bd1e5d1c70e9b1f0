import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import murmurhash3 from 'murmurhash-js/murmurhash3_gc.js';
import { Registry } from 'prom-client';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENFORCE_ALL,
  ROLLOUT_CLIENT_LIST_MAX,
  Rollout,
  bucketFromHash,
  murmur3X86_32,
  registerRolloutMetrics,
  rolloutBucket,
  rolloutHash,
  utf8EncodeInto,
} from '@tailguard/core';
import { transpileCore, type TranspiledCore } from './fixtures/transpile-core.js';

interface Vector {
  salt: string;
  clientId: string;
  utf8Hex: string;
  murmur3: number;
  bucket: number;
}

const vectors: Vector[] = JSON.parse(readFileSync(new URL('./fixtures/rollout-vectors.json', import.meta.url), 'utf8')).vectors;

/** murmurhash-js reads `charCodeAt(i) & 0xff`: feed it the UTF-8 bytes as a latin1 string so it hashes bytes. */
function independentHash(salt: string, clientId: string): number {
  return murmurhash3(Buffer.from(`${salt}:${clientId}`, 'utf8').toString('latin1'), 0);
}

/** Deterministic pseudo-random client IDs (ASCII, accented, CJK, emoji, lone surrogates). */
function clientIds(count: number, seed = 1): string[] {
  let x = seed >>> 0;
  const next = (): number => (x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0);
  const alphabet = ['a', 'Z', '7', '-', '_', 'é', 'ü', 'ß', '中', '文', '客', '🦊', '🚀', '\u{10FFFF}', '\uD800', '\uDC00', '\u0000'];
  return Array.from({ length: count }, (_, i) => {
    const len = next() % 40;
    let s = `c${i}`;
    for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
    return s;
  });
}

describe('rollout bucket', () => {
  it('the published vectors cover ASCII, accented, CJK, emoji, empty salt and a long ID', () => {
    const ids = vectors.map((v) => v.clientId).join('');
    expect(ids).toMatch(/é/);
    expect(ids).toMatch(/中文/);
    expect(ids).toMatch(/\p{Extended_Pictographic}/u);
    expect(vectors.some((v) => v.salt === '')).toBe(true);
    expect(vectors.some((v) => v.clientId.length > 256)).toBe(true);
  });

  it('docs/rollout.md publishes every vector of the JSON file', () => {
    const doc = readFileSync(new URL('../../../docs/rollout.md', import.meta.url), 'utf8');
    const cell = (t: string) => (t.length > 40 ? `\`"${t[0]}" × ${t.length}\`` : `\`${JSON.stringify(t)}\``);
    const hex = (h: string) => (h.length > 100 ? `\`${h.slice(0, 16)}…\` (${h.length / 2} bytes)` : `\`${h}\``);
    for (const v of vectors) expect(doc).toContain(`| ${cell(v.salt)} | ${cell(v.clientId)} | ${hex(v.utf8Hex)} | ${v.murmur3} | ${v.bucket} |`);
  });

  it.each(vectors)('vector salt=$salt clientId=$clientId matches murmurhash-js and our implementation', (v) => {
    expect(Buffer.from(`${v.salt}:${v.clientId}`, 'utf8').toString('hex')).toBe(v.utf8Hex);
    expect(independentHash(v.salt, v.clientId)).toBe(v.murmur3);
    expect(rolloutHash(v.salt, v.clientId)).toBe(v.murmur3);
    expect(Math.floor((v.murmur3 * 10_000) / 2 ** 32)).toBe(v.bucket);
    expect(rolloutBucket(v.salt, v.clientId)).toBe(v.bucket);
  });

  it('agrees with murmurhash-js over thousands of random IDs and salts', () => {
    const ids = clientIds(5_000);
    for (let i = 0; i < ids.length; i++) {
      const salt = i % 3 === 0 ? '' : i % 3 === 1 ? 'desk-ldn' : 'sel-中';
      expect(rolloutHash(salt, ids[i]!)).toBe(independentHash(salt, ids[i]!));
    }
  });

  it('hashes bytes: murmur3X86_32 matches the reference on every tail length', () => {
    expect(murmur3X86_32(new Uint8Array(0))).toBe(0);
    expect(murmur3X86_32(new TextEncoder().encode('hello'))).toBe(613_153_351);
    for (let len = 0; len < 12; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 97 + 200) & 0xff);
      expect(murmur3X86_32(bytes, len, 0)).toBe(murmurhash3(Buffer.from(bytes).toString('latin1'), 0));
      expect(murmur3X86_32(bytes, len, 42)).toBe(murmurhash3(Buffer.from(bytes).toString('latin1'), 42));
    }
  });

  it('UTF-8 encoder matches TextEncoder, lone surrogates included', () => {
    const out = new Uint8Array(1_024);
    for (const s of clientIds(2_000, 7)) {
      const n = utf8EncodeInto(s, out, 3);
      expect(Buffer.from(out.subarray(3, n))).toEqual(Buffer.from(new TextEncoder().encode(s)));
    }
  });

  it('multiply-shift spans 0..9999 without modulo bias', () => {
    expect(bucketFromHash(0)).toBe(0);
    expect(bucketFromHash(2 ** 32 - 1)).toBe(9_999);
    expect(bucketFromHash(429_497)).toBe(1); // first hash of bucket 1: ceil(2^32 / 10000)
    expect(bucketFromHash(429_496)).toBe(0);
    // Buckets of many IDs are close to uniform: every decile holds 10 % ± 1.5 %.
    const deciles = new Array<number>(10).fill(0);
    const ids = clientIds(20_000, 3);
    for (const id of ids) deciles[Math.floor(rolloutBucket('desk-ldn', id) / 1_000)]!++;
    for (const d of deciles) expect(Math.abs(d / ids.length - 0.1)).toBeLessThan(0.015);
  });

  describe('across processes', () => {
    let core: TranspiledCore;
    beforeAll(() => {
      core = transpileCore();
    });
    afterAll(() => core?.cleanup());

    it('the same client gets the same bucket in two separate Node processes with different V8 hash seeds', () => {
      const ids = [...vectors.map((v) => v.clientId), ...clientIds(200, 11)];
      const moduleUrl = pathToFileURL(join(core.dir, 'rollout', 'rollout-bucket.js')).href;
      const script = `
        import { rolloutBucket } from ${JSON.stringify(moduleUrl)};
        let input = '';
        for await (const chunk of process.stdin) input += chunk;
        const ids = JSON.parse(input);
        // The runtime's own string hash differs per seed; ours must not.
        process.stdout.write(JSON.stringify(ids.map((id) => rolloutBucket('desk-ldn', id))));
      `;
      const run = (hashSeed: number): number[] => {
        const r = spawnSync(process.execPath, [`--hash-seed=${hashSeed}`, '--input-type=module', '-e', script], {
          input: JSON.stringify(ids),
          encoding: 'utf8',
          timeout: 15_000,
          killSignal: 'SIGKILL',
        });
        expect(r.error).toBeUndefined();
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        return JSON.parse(r.stdout) as number[];
      };
      const first = run(1);
      const second = run(987_654_321);
      expect(first).toHaveLength(ids.length);
      expect(second).toEqual(first);
      expect(first).toEqual(ids.map((id) => rolloutBucket('desk-ldn', id)));
      for (const v of vectors) if (v.salt === 'desk-ldn') expect(first[ids.indexOf(v.clientId)]).toBe(v.bucket);
    });
  });
});

describe('Rollout', () => {
  it('raising the percentage never removes a client (property over 20 000 IDs and every step)', () => {
    const ids = clientIds(20_000, 5);
    const rollout = new Rollout({ mode: 'enforce', enforceBasisPoints: 0, salt: 'desk-ldn' });
    let previous = new Set<string>();
    const steps = [0, 1, 10, 100, 250, 500, 1_000, 2_500, 5_000, 7_500, 9_999, 10_000];
    for (const bp of steps) {
      rollout.update({ enforceBasisPoints: bp });
      const enforced = new Set(ids.filter((id) => rollout.isEnforced(id)));
      for (const id of previous) expect(enforced.has(id)).toBe(true);
      // The enforced share tracks the percentage.
      expect(Math.abs(enforced.size / ids.length - bp / 10_000)).toBeLessThan(0.01);
      previous = enforced;
    }
    expect(previous.size).toBe(ids.length);
  });

  it('is enforced iff bucket < enforceBasisPoints, at the exact border', () => {
    const id = 'client-1'; // bucket 6951 under desk-ldn (vectors)
    const rollout = new Rollout({ mode: 'enforce', enforceBasisPoints: 6_951, salt: 'desk-ldn' });
    expect(rollout.bucket(id)).toBe(6_951);
    expect(rollout.isEnforced(id)).toBe(false);
    rollout.update({ enforceBasisPoints: 6_952 });
    expect(rollout.isEnforced(id)).toBe(true);
    expect(rollout.explain(id)).toMatchObject({ enforced: true, bucket: 6_951, source: 'bucket' });
  });

  it('off and shadow enforce nobody, allow list included', () => {
    const rollout = new Rollout({ mode: 'shadow', enforceBasisPoints: 10_000, salt: 's', allowClientIds: ['vip'] });
    expect(rollout.isEnforced('vip')).toBe(false);
    expect(rollout.isEnforced('anyone')).toBe(false);
    expect(rollout.explain('vip').source).toBe('mode');
    rollout.update({ mode: 'off' });
    expect(rollout.isEnforced('vip')).toBe(false);
    rollout.update({ mode: 'enforce' });
    expect(rollout.isEnforced('vip')).toBe(true);
    expect(rollout.isEnforced('anyone')).toBe(true);
  });

  it('allow list is always enforced and deny list never, whatever the bucket', () => {
    const ids = clientIds(1_000, 9);
    const low = ids.find((id) => rolloutBucket('desk', id) < 100)!;
    const high = ids.find((id) => rolloutBucket('desk', id) > 9_900)!;
    const rollout = new Rollout({ mode: 'enforce', enforceBasisPoints: 5_000, salt: 'desk', allowClientIds: [high], denyClientIds: [low] });
    expect(rollout.isEnforced(high)).toBe(true);
    expect(rollout.isEnforced(low)).toBe(false);
    expect(rollout.explain(high).source).toBe('allow-list');
    expect(rollout.explain(low).source).toBe('deny-list');
    rollout.update({ enforceBasisPoints: 10_000 });
    expect(rollout.isEnforced(low)).toBe(false);
    rollout.update({ enforceBasisPoints: 0 });
    expect(rollout.isEnforced(high)).toBe(true);
    rollout.update({ denyClientIds: [] });
    expect(rollout.isEnforced(low)).toBe(false); // back to its bucket: 0 bp enforces nobody
  });

  it('a new salt reshuffles buckets (the cache is cleared)', () => {
    const rollout = new Rollout({ mode: 'enforce', salt: 'desk-ldn', enforceBasisPoints: 5_000 });
    expect(rollout.bucket('client-1')).toBe(6_951);
    rollout.update({ salt: '' });
    expect(rollout.bucket('client-1')).toBe(930);
    expect(rollout.isEnforced('client-1')).toBe(true);
  });

  it('the bucket cache is bounded and evictions are counted', () => {
    const rollout = new Rollout({ mode: 'enforce', salt: 'x', enforceBasisPoints: 5_000, bucketCacheMax: 100 });
    const ids = clientIds(250, 13);
    for (const id of ids) rollout.isEnforced(id);
    expect(rollout.bucketCacheSize()).toBe(100);
    expect(rollout.bucketCacheEvictionsTotal).toBe(150);
    for (const id of ids) expect(rollout.bucket(id)).toBe(rolloutBucket('x', id));
    rollout.isEnforced('y'.repeat(10_000)); // oversized IDs are hashed, never cached
    expect(rollout.bucket('y'.repeat(10_000))).toBe(rolloutBucket('x', 'y'.repeat(10_000)));
  });

  it('invalid configs throw messages naming the field, and a failed update changes nothing', () => {
    const mk = (o: object) => () => new Rollout({ mode: 'enforce', ...o } as never);
    expect(mk({ mode: 'on' })).toThrow(/mode must be one of off, shadow, enforce, got "on"/);
    expect(mk({ enforceBasisPoints: 10_001 })).toThrow(/enforceBasisPoints must be an integer in \[0, 10000\]/);
    expect(mk({ enforceBasisPoints: 12.5 })).toThrow(/enforceBasisPoints/);
    expect(mk({ enforceBasisPoints: Number.NaN })).toThrow(/enforceBasisPoints/);
    expect(mk({ salt: 42 })).toThrow(/salt must be a string/);
    expect(mk({ salt: 's'.repeat(257) })).toThrow(/salt must be a string of at most 256/);
    expect(mk({ allowClientIds: 'vip' })).toThrow(/allowClientIds must be an array/);
    expect(mk({ denyClientIds: ['ok', ''] })).toThrow(/denyClientIds\[1\] must be a non-empty string/);
    expect(mk({ allowClientIds: ['a', 'b'], denyClientIds: ['b'] })).toThrow(/allowClientIds and denyClientIds both contain "b"/);
    expect(mk({ allowClientIds: Array.from({ length: ROLLOUT_CLIENT_LIST_MAX + 1 }, (_, i) => `c${i}`) })).toThrow(/ROLLOUT_CLIENT_LIST_MAX/);
    expect(mk({ bucketCacheMax: -1 })).toThrow(/bucketCacheMax/);

    const rollout = new Rollout({ mode: 'enforce', enforceBasisPoints: 100, salt: 'desk' });
    expect(() => rollout.update({ enforceBasisPoints: -5 })).toThrow(/Rollout: enforceBasisPoints/);
    expect(() => rollout.update({ mode: 'enforced' as never })).toThrow(/Rollout: mode/);
    expect(rollout.config()).toEqual({ mode: 'enforce', enforceBasisPoints: 100, salt: 'desk', allowClientIds: [], denyClientIds: [] });
    expect(rollout.updatesTotal).toBe(0);
  });

  it('never throws on a non-string ID: fails closed in enforce mode', () => {
    const rollout = new Rollout({ mode: 'enforce', enforceBasisPoints: 0 });
    expect(rollout.isEnforced(undefined as never)).toBe(true);
    expect(rollout.isEnforced(42 as never)).toBe(true);
    rollout.update({ mode: 'shadow' });
    expect(rollout.isEnforced(undefined as never)).toBe(false);
  });

  it('implements RolloutDecider like ENFORCE_ALL', () => {
    const full = new Rollout({ mode: 'enforce', enforceBasisPoints: 10_000 });
    for (const id of clientIds(100)) expect(full.isEnforced(id)).toBe(ENFORCE_ALL.isEnforced(id));
    expect(full.mode()).toBe(ENFORCE_ALL.mode());
  });
});

describe('rollout metrics', () => {
  it('exports basis points, mode, list sizes, updates and cache evictions at scrape time', async () => {
    const registry = new Registry();
    const rollout = new Rollout({ mode: 'shadow', enforceBasisPoints: 250, salt: 'desk', denyClientIds: ['a', 'b'], bucketCacheMax: 1 });
    registerRolloutMetrics(rollout, { registry });
    let text = await registry.metrics();
    expect(text).toMatch(/^tailguard_rollout_basis_points 250$/m);
    expect(text).toMatch(/^tailguard_rollout_mode\{mode="shadow"\} 1$/m);
    expect(text).toMatch(/^tailguard_rollout_mode\{mode="enforce"\} 0$/m);
    expect(text).toMatch(/^tailguard_rollout_deny_list_clients 2$/m);
    expect(text).toMatch(/^# TYPE tailguard_rollout_config_updates_total counter$/m);

    rollout.update({ mode: 'enforce', enforceBasisPoints: 1_000 });
    rollout.isEnforced('x');
    rollout.isEnforced('y');
    text = await registry.metrics();
    expect(text).toMatch(/^tailguard_rollout_basis_points 1000$/m);
    expect(text).toMatch(/^tailguard_rollout_mode\{mode="enforce"\} 1$/m);
    expect(text).toMatch(/^tailguard_rollout_mode\{mode="shadow"\} 0$/m);
    expect(text).toMatch(/^tailguard_rollout_config_updates_total 1$/m);
    expect(text).toMatch(/^tailguard_rollout_bucket_cache_evictions_total 1$/m);
    expect(() => registerRolloutMetrics(rollout, { registry })).toThrow(/already registered/);
  });

  it('publishes the same values through an OpenTelemetry Meter', async () => {
    class PullReader extends MetricReader {
      protected override onShutdown(): Promise<void> {
        return Promise.resolve();
      }
      protected override onForceFlush(): Promise<void> {
        return Promise.resolve();
      }
    }
    const reader = new PullReader();
    const provider = new MeterProvider({ readers: [reader] });
    const rollout = new Rollout({ mode: 'enforce', enforceBasisPoints: 750, salt: 'desk' });
    const stop = registerRolloutMetrics(rollout, { meter: provider.getMeter('tailguard-test') });
    const read = async () => {
      const { resourceMetrics } = await reader.collect();
      const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      return (name: string) => metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
    };
    let get = await read();
    expect(get('tailguard.rollout.basis_points').map((p) => p.value)).toEqual([750]);
    const modes = Object.fromEntries(get('tailguard.rollout.mode').map((p) => [p.attributes['mode'], p.value]));
    expect(modes).toEqual({ off: 0, shadow: 0, enforce: 1 });
    rollout.update({ enforceBasisPoints: 5_000 });
    get = await read();
    expect(get('tailguard.rollout.basis_points').map((p) => p.value)).toEqual([5_000]);
    expect(get('tailguard.rollout.config_updates_total').map((p) => p.value)).toEqual([1]);
    stop();
    await provider.shutdown();
  });
});
