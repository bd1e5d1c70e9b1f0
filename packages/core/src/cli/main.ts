#!/usr/bin/env node
// The `tailguard` executable. Importing this file does nothing: it runs only as
// the process entry point (`node dist/cli/main.js` or the `tailguard` bin link).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeCliIo } from './node-cli-io.js';
import { runCli } from './run-cli.js';

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    // Resolve symlinks: npm's bin is a link to this file.
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  runCli(process.argv.slice(2), nodeCliIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`tailguard: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
