import { describe, expect, it } from 'vitest';
import { main } from '../src/signing-demo.js';

function capture(onWrite?: (all: string) => void): { text: () => string; write: (chunk: string) => boolean } {
  let all = '';
  return {
    text: () => all,
    write: (chunk: string) => {
      all += chunk;
      onWrite?.(all);
      return true;
    },
  };
}

describe('signing demo', () => {
  it('replays the three signers at 1x/2x/5x, prints them side by side and serves /metrics while it runs', async () => {
    let scrape: Promise<{ status: number; contentType: string | null; body: string }> | undefined;
    const out = capture((all) => {
      // Once HMAC is done and Ed25519 has started, scrape the live endpoint.
      if (scrape === undefined && all.includes('replaying sign_ed25519')) {
        const url = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(all)![1]!;
        scrape = fetch(url).then(async (r) => ({ status: r.status, contentType: r.headers.get('content-type'), body: await r.text() }));
      }
    });
    const err = capture();
    const code = await main(['--tps', '200', '--duration-ms', '300', '--warmup-ms', '100'], out, err);
    expect(err.text()).toBe('');
    expect(code).toBe(0);

    const text = out.text();
    expect(text).toMatch(/^metrics: http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
    // Full table: one row per signer and multiplier, every scheduled request completed, no errors.
    for (const name of ['sign_hmac_sha256', 'sign_ed25519', 'sign_ecdsa_p256']) {
      for (const [mult, target, count] of [[1, 200, 60], [2, 400, 120], [5, 1000, 300]] as const) {
        expect(text).toMatch(new RegExp(`^${name}\\s+${mult}x\\s+${target}\\s+\\d+\\s+${count}\\s+0\\s+\\S+`, 'm'));
      }
    }
    // Side-by-side table: the three signers as columns, one line per multiplier.
    expect(text).toMatch(/^p99 corrected \(svc p99\)\s+sign_hmac_sha256\s+sign_ed25519\s+sign_ecdsa_p256$/m);
    for (const [mult, target] of [[1, 200], [2, 400], [5, 1000]]) {
      expect(text).toMatch(new RegExp(`^${mult}x  ${target}/s(\\s+\\S+ \\(\\S+\\)( !)?){3}$`, 'm'));
    }
    expect(text).toMatch(/^runtime stalls .*event-loop delay worst p99 \S+, GC pause worst p99 \S+$/m);

    // The scrape taken during the Ed25519 replay: HMAC finished (20 warm-up + 60 + 120 + 300 signatures), all names present.
    expect(scrape).toBeDefined();
    const scraped = await scrape!;
    expect(scraped.status).toBe(200);
    expect(scraped.contentType).toContain('text/plain');
    expect(scraped.body).toMatch(/^tailguard_latency_seconds_count\{operation="sign_hmac_sha256"\} 500$/m);
    expect(scraped.body).toContain('# TYPE tailguard_latency_window_seconds gauge');
    expect(scraped.body).toMatch(/^tailguard_latency_window_seconds\{operation="sign_ed25519",quantile="0\.99"\} [\d.e+-]+$/m);
    expect(scraped.body).toMatch(/^tailguard_latency_seconds_count\{operation="runtime_event_loop_delay"\} \d+$/m);
  });

  it('prints usage for --help and rejects a bad flag naming it', async () => {
    const out = capture();
    expect(await main(['--help'], out, capture())).toBe(0);
    expect(out.text()).toContain('--duration-ms N');

    const err = capture();
    expect(await main(['--tps', '0'], capture(), err)).toBe(2);
    expect(err.text()).toMatch(/^--tps must be a number > 0, got "0"/);

    const err2 = capture();
    expect(await main(['--bogus'], capture(), err2)).toBe(2);
    expect(err2.text()).toContain("Unknown option '--bogus'");
  });
});
