import { parseArgs } from 'node:util';
import { CLI_EXIT, type CliCommand, type CliIo } from './cli-command.js';
import { CLI_COMMANDS } from './commands.js';

/** The text of `tailguard --help` for a command table. */
export function formatCliHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: tailguard <command> [options]',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(width)}  Show this help, or a command's help: tailguard help <command>`,
    '',
    'Run `tailguard <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/**
 * Runs the `tailguard` CLI on `argv` (without the node and script paths) and
 * resolves to the exit code; never calls `process.exit`, so it runs in-process
 * in tests. Dispatches to the command named by the first argument, parsing the
 * rest with node:util `parseArgs` (strict) plus `--help`/`-h` on every command.
 */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommand[] = CLI_COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(formatCliHelp(commands));
    return name === undefined ? CLI_EXIT.usage : CLI_EXIT.ok;
  }
  if (name === 'help') {
    const target = rest[0] === undefined ? undefined : commands.find((c) => c.name === rest[0]);
    if (rest[0] !== undefined && target === undefined) return unknownCommand(rest[0], io, commands);
    io.stdout.write(target === undefined ? formatCliHelp(commands) : target.help);
    return CLI_EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) return unknownCommand(name, io, commands);

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    io.stderr.write(`tailguard ${name}: ${(err as Error).message}\nRun \`tailguard ${name} --help\` for usage.\n`);
    return CLI_EXIT.usage;
  }
  if (parsed.values['help'] === true) {
    io.stdout.write(command.help);
    return CLI_EXIT.ok;
  }
  try {
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (err) {
    io.stderr.write(`tailguard ${name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return CLI_EXIT.internal;
  }
}

function unknownCommand(name: string, io: CliIo, commands: readonly CliCommand[]): number {
  io.stderr.write(`tailguard: unknown command ${JSON.stringify(name)}. Commands: ${commands.map((c) => c.name).join(', ')}\nRun \`tailguard --help\` for usage.\n`);
  return CLI_EXIT.usage;
}
