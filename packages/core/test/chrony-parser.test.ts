import { describe, expect, it } from 'vitest';
import { chronyErrorBoundUs, parseChronySources, parseChronyTracking, type ChronyTrackingRecord } from '@tailguard/core';

// Lines recorded from chronyd 4.3 on this host (`chronyc -n -c tracking` / `sources`).
const NORMAL_SKEWED =
  '7F000001,127.0.0.1,9,1795625698.443150552,0.019999461,0.000002522,0.000008164,-1.341,0.054,6.239,0.039990585,0.000010059,1.0,Normal\n';
const NOT_SYNCHRONISED =
  '00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised\n';
// Client of a server under faketime on 2016-12-31 with `leapsectz right/UTC`.
const LEAP_INSERT =
  '7F000001,127.0.0.1,9,1483185602.346972669,0.308985204,0.000002791,0.000009690,0.978,0.177,18.613,0.000082532,0.000012955,0.3,Insert second\n';
// Client of a server on ::1: the RefID of an IPv6 reference is a hash of the address.
const IPV6_REFERENCE =
  'CF404DC8,::1,9,1795625731.795219349,-0.000002914,0.000000172,0.000001659,0.119,0.019,3.679,0.000010140,0.000002257,0.3,Normal\n';
const LOCAL_REFERENCE =
  '7F7F0101,,10,1795625583.398154632,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,0.000000000,0.000000000,0.0,Normal\n';

function record(text: string): ChronyTrackingRecord {
  const parsed = parseChronyTracking(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.record;
}

describe('parseChronyTracking on recorded chronyc output', () => {
  it('parses a normal line into all 14 typed fields with exact microseconds', () => {
    expect(record(NORMAL_SKEWED)).toEqual({
      refId: '7F000001',
      refName: '127.0.0.1',
      stratum: 9,
      refTimeEpochUs: 1_795_625_698_443_150.552,
      systemOffsetUs: 19_999.461,
      lastOffsetUs: 2.522,
      rmsOffsetUs: 8.164,
      frequencyPpm: -1.341,
      residualFrequencyPpm: 0.054,
      skewPpm: 6.239,
      rootDelayUs: 39_990.585,
      rootDispersionUs: 10.059,
      updateIntervalUs: 1_000_000,
      leapStatus: 'normal',
    });
  });

  it('keeps the microseconds of an epoch ref time exact (no float-seconds round trip)', () => {
    const r = record(NORMAL_SKEWED);
    expect(Math.floor(r.refTimeEpochUs)).toBe(1_795_625_698_443_150);
    expect(record(NORMAL_SKEWED.replace('1795625698.443150552', '1795625698.000001')).refTimeEpochUs).toBe(1_795_625_698_000_001);
  });

  it('computes the bound |offset| + root dispersion + root delay / 2 (≈ 40 ms for the skewed client)', () => {
    expect(chronyErrorBoundUs(record(NORMAL_SKEWED))).toBeCloseTo(19_999.461 + 10.059 + 39_990.585 / 2, 6);
  });

  it('parses a negative offset and an IPv6 reference', () => {
    const r = record(IPV6_REFERENCE);
    expect(r.refId).toBe('CF404DC8');
    expect(r.refName).toBe('::1');
    expect(r.systemOffsetUs).toBeCloseTo(-2.914, 9);
    expect(r.updateIntervalUs).toBe(300_000);
  });

  it('reports an unsynchronised chrony as such (placeholders are parsed, not trusted)', () => {
    const r = record(NOT_SYNCHRONISED);
    expect(r.leapStatus).toBe('not_synchronized');
    expect(r.refId).toBe('00000000');
    expect(r.rootDelayUs).toBe(1_000_000);
  });

  it('parses a pending leap second and the local reference', () => {
    expect(record(LEAP_INSERT).leapStatus).toBe('insert_second');
    expect(record(LEAP_INSERT.replace('Insert second', 'Delete second')).leapStatus).toBe('delete_second');
    const local = record(LOCAL_REFERENCE);
    expect(local.refId).toBe('7F7F0101');
    expect(local.refName).toBe('');
    expect(local.stratum).toBe(10);
  });

  it('rejects a truncated line with a clear error', () => {
    const truncated = NORMAL_SKEWED.slice(0, 60);
    const parsed = parseChronyTracking(truncated);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.code).toBe('field_count');
    expect(parsed.message).toMatch(/expected 14 comma-separated fields, got 6/);
  });

  it('rejects a line cut inside the last field', () => {
    const parsed = parseChronyTracking(NORMAL_SKEWED.replace('Normal', 'Norm'));
    expect(parsed).toMatchObject({ ok: false, code: 'bad_field', field: 'leapStatus' });
  });

  it('rejects garbage, human-readable output, empty output and bad numbers without throwing', () => {
    const cases: Array<[string, string]> = [
      ['506 Cannot talk to daemon\n', 'field_count'],
      ['', 'empty'],
      ['\n  \n', 'empty'],
      ['Reference ID    : 7F7F0101 ()\nStratum         : 10\n', 'multiple_lines'],
      [NORMAL_SKEWED + NORMAL_SKEWED, 'multiple_lines'],
      [NORMAL_SKEWED.replace('0.019999461', '0.0199x9461'), 'bad_field'],
      [NORMAL_SKEWED.replace('7F000001', '7F0001'), 'bad_field'],
      [NORMAL_SKEWED.replace(',9,', ',17,'), 'bad_field'],
      [NORMAL_SKEWED.replace('0.039990585', '-0.039990585'), 'bad_field'],
      [NORMAL_SKEWED.replace('-1.341', 'nan'), 'bad_field'],
      ['\u0000\u00ff,,,,,,,,,,,,,', 'bad_field'],
    ];
    for (const [text, code] of cases) {
      const parsed = parseChronyTracking(text);
      expect(parsed.ok, JSON.stringify(text)).toBe(false);
      if (!parsed.ok) {
        expect(parsed.code, JSON.stringify(text)).toBe(code);
        expect(parsed.message).toMatch(/^chronyc tracking: /);
      }
    }
    expect(parseChronyTracking(undefined as unknown as string).ok).toBe(false);
  });

  it('names the bad field and quotes a bounded excerpt', () => {
    const parsed = parseChronyTracking(NORMAL_SKEWED.replace('0.000010059', 'x'.repeat(1000)));
    expect(parsed).toMatchObject({ ok: false, code: 'bad_field', field: 'rootDispersionUs' });
    if (!parsed.ok) expect(parsed.message.length).toBeLessThan(300);
  });
});

describe('parseChronySources on recorded chronyc output', () => {
  it('parses selected, unreachable and IPv6 sources', () => {
    const parsed = parseChronySources(
      '^,*,127.0.0.1,8,0,377,1,-0.000000155,0.000002219,0.019996567\n^,?,127.0.0.2,8,0,0,10,-0.000000155,0.000002219,0.019996567\n^,*,::1,8,-2,377,0,0.000000344,0.000000474,0.000004808\n',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.sources).toHaveLength(3);
    expect(parsed.sources[0]).toEqual({
      mode: 'server',
      state: 'selected',
      name: '127.0.0.1',
      stratum: 8,
      pollLog2: 0,
      reachRegister: 255,
      lastSampleAgeUs: 1_000_000,
      adjustedOffsetUs: -0.155,
      measuredOffsetUs: 2.219,
      errorUs: 19_996.567,
    });
    expect(parsed.sources[1]).toMatchObject({ state: 'unreachable', reachRegister: 0 });
    expect(parsed.sources[2]).toMatchObject({ name: '::1', pollLog2: -2 });
  });

  it('accepts no sources and rejects malformed lines', () => {
    expect(parseChronySources('')).toEqual({ ok: true, sources: [] });
    expect(parseChronySources('^,*,127.0.0.1,8,0,377,1').ok).toBe(false);
    expect(parseChronySources('^,!,127.0.0.1,8,0,377,1,0,0,0').ok).toBe(false);
    expect(parseChronySources('^,*,127.0.0.1,8,0,999,1,0,0,0').ok).toBe(false);
  });
});
