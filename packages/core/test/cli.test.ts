import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStaleness } from '@tailguard/core';
// The CLI is not part of the library barrel (it is the package's bin).
import { CLI_COMMANDS, CLI_EXIT, runCli, type CliCommand } from '../src/cli/index.js';
import { transpileCore, type TranspiledCore } from './fixtures/transpile-core.js';

const T0 = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z, epoch µs

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tailguard-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function cli(argv: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('tailguard CLI dispatch', () => {
  it('prints the command list for --help and help, and usage to stderr with no command', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await cli(argv);
      expect(r.code).toBe(0);
      for (const c of CLI_COMMANDS) expect(r.stdout).toContain(c.name);
    }
    const none = await cli([]);
    expect(none.code).toBe(CLI_EXIT.usage);
    expect(none.stderr).toMatch(/Usage: tailguard <command>/);
  });

  it('every command answers --help, -h and `help <command>` with its usage', async () => {
    for (const c of CLI_COMMANDS) {
      for (const argv of [[c.name, '--help'], [c.name, '-h'], ['help', c.name], [c.name, 'x', '--help']]) {
        const r = await cli(argv);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(c.help);
        expect(r.stdout).toMatch(new RegExp(`^Usage: tailguard ${c.name}`));
      }
    }
  });

  it('unknown commands and options are usage errors naming them', async () => {
    const unknown = await cli(['audit-stalenes']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "audit-stalenes"\. Commands: audit, audit-staleness, rollout-bucket/);
    const badOpt = await cli(['audit-staleness', '--thresold-ms', '5', 'x.csv']);
    expect(badOpt.code).toBe(2);
    expect(badOpt.stderr).toMatch(/Unknown option '--thresold-ms'/);
    expect(badOpt.stderr).toMatch(/tailguard audit-staleness --help/);
  });

  it('accepts a caller-supplied command table (how later commands plug in)', async () => {
    const hello: CliCommand = {
      name: 'hello',
      summary: 'Say hello',
      help: 'Usage: tailguard hello [--name N]\n',
      options: { name: { type: 'string' } },
      run: async (args, io) => {
        io.stdout.write(`hello ${String(args.values['name'])}\n`);
        return 0;
      },
    };
    let out = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true } };
    expect(await runCli(['hello', '--name', 'desk'], io, [...CLI_COMMANDS, hello])).toBe(0);
    expect(out).toBe('hello desk\n');
  });

  it('turns an exception inside a command into exit code 70 with the message', async () => {
    const boom: CliCommand = { name: 'boom', summary: '', help: '', options: {}, run: () => Promise.reject(new Error('kaput')) };
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (err += t) } };
    expect(await runCli(['boom'], io, [boom])).toBe(CLI_EXIT.internal);
    expect(err).toMatch(/internal error: Error: kaput/);
  });
});

describe('tailguard audit-staleness', () => {
  it('audits a CSV with extra, reordered and quoted columns exactly like auditStaleness', async () => {
    const samples = Array.from({ length: 500 }, (_, i) => ({ quoteEpochUs: T0 + i * 1_000, execEpochUs: T0 + i * 1_000 + ((i * 7_919) % 1_200_000) }));
    const rows = samples.map((s, i) => `"EUR,USD",${s.execEpochUs},c${i},${s.quoteEpochUs}`);
    const path = file('fills.csv', `\uFEFFinstrument,execEpochUs,clientId,quoteEpochUs\r\n${rows.join('\r\n')}\r\n`);
    const r = await cli(['audit-staleness', path, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.report).toEqual(await auditStaleness(samples));
    expect(out).toMatchObject({ format: 'csv', lines: 501, malformedLines: 0, blankLines: 0, malformed: [] });
  });

  it('prints a table with the figures', async () => {
    const lines = ['quoteEpochUs,execEpochUs', `${T0},${T0 + 847_000}`, `${T0},${T0 + 2_900_000}`, `${T0},${T0 + 12_000}`, `${T0 + 50},${T0}`];
    const r = await cli(['audit-staleness', file('table.csv', `${lines.join('\n')}\n`)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Staleness audit of .*table\.csv \(csv\)/);
    expect(r.stdout).toMatch(/executions\s+3$/m);
    expect(r.stdout).toMatch(/median age\s+847\.\d{3} ms$/m);
    expect(r.stdout).toMatch(/max age\s+2900\.000 ms$/m);
    expect(r.stdout).toMatch(/above 500\.000 ms\s+2 \(66\.67 %\)$/m);
    expect(r.stdout).toMatch(/negative ages\s+1 \(execution before quote, worst -0\.050 ms; first at line 5\)$/m);
    expect(r.stdout).toMatch(/malformed lines\s+0$/m);
  });

  it('names every malformed CSV line with its number and problem, and exits 1', async () => {
    const text = [
      'quoteEpochUs,execEpochUs,venue', // 1
      `${T0},${T0 + 100},LD4`, // 2 ok
      `${T0},${T0 + 100}`, // 3 too few fields
      `abc,${T0},LD4`, // 4 not a number
      `${T0},,LD4`, // 5 empty
      '', // 6 blank: counted, not malformed
      `1767225600000,1767225600050,NY4`, // 7 epoch ms
      `"${T0},${T0},LD4`, // 8 unterminated quote
      `${T0},${T0 + 200},LD4`, // 9 ok
    ].join('\n');
    const path = file('bad.csv', text);
    const r = await cli(['audit-staleness', path]);
    expect(r.code).toBe(CLI_EXIT.malformedInput);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `${path}:3: expected 3 fields as in the header, found 2`,
      `${path}:4: quoteEpochUs "abc" is not a number`,
      `${path}:5: execEpochUs is empty`,
      `${path}:7: quoteEpochUs 1767225600000 looks like epoch milliseconds; expected epoch microseconds; execEpochUs 1767225600050 looks like epoch milliseconds; expected epoch microseconds`,
      `${path}:8: unterminated quoted field 1`,
    ]);
    expect(r.stdout).toMatch(/executions\s+2$/m);
    expect(r.stdout).toMatch(/malformed lines\s+5 \(each named on stderr\)$/m);
    expect(r.stdout).toMatch(/blank lines\s+1$/m);
    expect(r.stdout).toMatch(/lines read\s+9$/m);

    const allowed = await cli(['audit-staleness', path, '--allow-malformed', '--json']);
    expect(allowed.code).toBe(0);
    const out = JSON.parse(allowed.stdout);
    expect(out.malformed.map((m: { line: number }) => m.line)).toEqual([3, 4, 5, 7, 8]);
    expect(out).toMatchObject({ malformedLines: 5, blankLines: 1, lines: 9, malformedListTruncated: false });
    expect(out.report.count).toBe(2);
  });

  it('names every malformed NDJSON line with its number and problem', async () => {
    const text = [
      JSON.stringify({ quoteEpochUs: T0, execEpochUs: T0 + 5_000, clientId: 'c1' }), // 1 ok
      '{"quoteEpochUs": 1, ', // 2 invalid JSON
      '[1,2]', // 3 array
      JSON.stringify({ quoteEpochUs: T0 }), // 4 missing
      JSON.stringify({ quoteEpochUs: String(T0), execEpochUs: T0 }), // 5 string
      JSON.stringify({ quoteEpochUs: T0 * 1_000, execEpochUs: T0 * 1_000 }), // 6 ns
      JSON.stringify({ quoteEpochUs: T0, execEpochUs: T0 + 600_000 }), // 7 ok
      'null', // 8
    ].join('\n');
    const path = file('fills.ndjson', `${text}\n`);
    const r = await cli(['audit-staleness', path, '--json']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.map((l) => l.slice(path.length + 1).split(':')[0])).toEqual(['2', '3', '4', '5', '6', '8']);
    expect(lines[0]).toMatch(/:2: invalid JSON: /);
    expect(lines[1]).toBe(`${path}:3: expected a JSON object with quoteEpochUs and execEpochUs, got an array`);
    expect(lines[2]).toBe(`${path}:4: execEpochUs is missing`);
    expect(lines[3]).toBe(`${path}:5: quoteEpochUs must be a number, got string "\\"${T0}\\""`);
    expect(lines[4]).toMatch(/:6: quoteEpochUs \S+ looks like epoch nanoseconds; expected epoch microseconds; execEpochUs/);
    expect(lines[5]).toBe(`${path}:8: expected a JSON object with quoteEpochUs and execEpochUs, got null`);
    const out = JSON.parse(r.stdout);
    expect(out.report).toMatchObject({ count: 2, vulnerableCount: 1, maxUs: 600_000 });
    expect(out.malformed).toHaveLength(6);
  });

  it('refuses a CSV header without the needed columns (exit 2, line named)', async () => {
    const path = file('noheader.csv', `${T0},${T0 + 1}\n`);
    const r = await cli(['audit-staleness', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}:1: header must name the columns quoteEpochUs and execEpochUs (found "${T0}", "${T0 + 1}")`);
    expect(r.stdout).toBe('');
  });

  it('empty input: zero executions, exit 0', async () => {
    for (const [name, text] of [['empty.csv', ''], ['empty.ndjson', ''], ['header-only.csv', 'quoteEpochUs,execEpochUs\n']] as const) {
      const r = await cli(['audit-staleness', file(name, text), '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).report).toMatchObject({ count: 0, medianUs: null, vulnerableShare: null });
    }
  });

  it('format from the extension or --format; usage errors for unknown formats, missing files and bad thresholds', async () => {
    const ndjsonInTxt = file('fills.txt', `${JSON.stringify({ quoteEpochUs: T0, execEpochUs: T0 + 700_000 })}\n`);
    expect((await cli(['audit-staleness', ndjsonInTxt])).stderr).toMatch(/cannot tell the format .* pass --format csv or --format ndjson/);
    const r = await cli(['audit-staleness', ndjsonInTxt, '--format', 'ndjson', '--threshold-ms', '800', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).report).toMatchObject({ count: 1, thresholdUs: 800_000, vulnerableCount: 0 });
    expect((await cli(['audit-staleness', ndjsonInTxt, '--format', 'xml'])).stderr).toMatch(/--format must be one of csv, ndjson, got "xml"/);
    expect((await cli(['audit-staleness', ndjsonInTxt, '--format', 'ndjson', '--threshold-ms', 'soon'])).stderr).toMatch(/--threshold-ms must be a number/);
    const missing = await cli(['audit-staleness', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot open .*nope\.csv: ENOENT/);
    const directory = await cli(['audit-staleness', dir, '--format', 'csv']);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(/cannot read .* after line 0: .*EISDIR/);
    expect((await cli(['audit-staleness'])).stderr).toMatch(/expected one FILE argument, got 0/);
  });

  it('reads stdin for "-"', async () => {
    const r = await cli(['audit-staleness', '-', '--format', 'csv', '--json'], `quoteEpochUs,execEpochUs\n${T0},${T0 + 900_000}\n`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: 'stdin', report: { count: 1, vulnerableCount: 1 } });
  });
});

describe('tailguard rollout-bucket', () => {
  it('prints the published vector buckets', async () => {
    const vectors = JSON.parse(readFileSync(new URL('./fixtures/rollout-vectors.json', import.meta.url), 'utf8')).vectors as {
      salt: string;
      clientId: string;
      murmur3: number;
      bucket: number;
    }[];
    for (const v of vectors.slice(0, 16)) {
      const r = await cli(['rollout-bucket', '--salt', v.salt, '--basis-points', '5000', v.clientId]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${v.clientId}\t${v.bucket}\t${v.murmur3}\t${v.bucket < 5_000 ? 'enforced' : 'not-enforced'}\n`);
    }
    expect((await cli(['rollout-bucket', 'c1'])).stderr).toMatch(/--salt is required/);
    expect((await cli(['rollout-bucket', '--salt', 's', '--basis-points', '10001', 'c1'])).stderr).toMatch(/--basis-points must be an integer/);
  });
});

describe('tailguard executable (real node process)', () => {
  let core: TranspiledCore;
  beforeAll(() => {
    core = transpileCore();
  });
  afterAll(() => core?.cleanup());

  const node = (args: string[], input?: string) =>
    spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 15_000, killSignal: 'SIGKILL', ...(input === undefined ? {} : { input }) });

  it('starts with a shebang and runs audit-staleness through a bin-style symlink', () => {
    const main = join(core.dir, 'cli', 'main.js');
    expect(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const link = join(dir, 'tailguard');
    symlinkSync(main, link);
    const csv = file('spawn.csv', `quoteEpochUs,execEpochUs\n${T0},${T0 + 600_000}\n${T0},${T0 + 1_000}\nnot,numbers\n`);
    const r = node([link, 'audit-staleness', csv, '--json']);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${csv}:4: quoteEpochUs "not" is not a number; execEpochUs "numbers" is not a number\n`);
    expect(JSON.parse(r.stdout).report).toMatchObject({ count: 2, vulnerableCount: 1, maxUs: 600_000 });
    const help = node([main, '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/audit-staleness/);
  });

  it('importing cli/main.js has no side effects', () => {
    const url = pathToFileURL(join(core.dir, 'cli', 'main.js')).href;
    const r = node(['--input-type=module', '-e', `await import(${JSON.stringify(url)}); process.stdout.write('imported');`]);
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('imported');
    expect(r.status).toBe(0);
  });
});
