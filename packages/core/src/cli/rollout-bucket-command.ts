import { ROLLOUT_BASIS_POINTS_MAX, ROLLOUT_SALT_LENGTH_MAX, bucketFromHash, rolloutHash } from '../rollout/rollout-bucket.js';
import { CLI_EXIT, type CliArgs, type CliCommand, type CliIo } from './cli-command.js';

const HELP = `Usage: tailguard rollout-bucket --salt SALT [--basis-points N] [--json] CLIENT_ID...

Prints each client's rollout bucket (basis points 0..9999): MurmurHash3 x86
32-bit, seed 0, of the UTF-8 bytes of SALT:CLIENT_ID, times 10000 / 2^32.
The same on every host and in every language; use it to check which clients
a percentage enforces.

Options:
  --salt SALT           the rollout's salt (required; may be empty: --salt "")
  --basis-points N      also print whether the bucket is enforced at N (0..10000)
  --json                print a JSON array
  -h, --help            show this help

Exit codes: 0 printed; 2 usage error.
`;

function usage(io: CliIo, message: string): number {
  io.stderr.write(`tailguard rollout-bucket: ${message}\nRun \`tailguard rollout-bucket --help\` for usage.\n`);
  return CLI_EXIT.usage;
}

async function run(args: CliArgs, io: CliIo): Promise<number> {
  const salt = args.values['salt'];
  if (typeof salt !== 'string') return usage(io, '--salt is required');
  if (salt.length > ROLLOUT_SALT_LENGTH_MAX) return usage(io, `--salt must be at most ${ROLLOUT_SALT_LENGTH_MAX} characters`);
  if (args.positionals.length === 0) return usage(io, 'expected at least one CLIENT_ID');
  let basisPoints: number | undefined;
  const bpArg = args.values['basis-points'];
  if (typeof bpArg === 'string') {
    basisPoints = Number(bpArg);
    if (!/^\d+$/.test(bpArg) || basisPoints > ROLLOUT_BASIS_POINTS_MAX) {
      return usage(io, `--basis-points must be an integer in [0, ${ROLLOUT_BASIS_POINTS_MAX}], got ${JSON.stringify(bpArg)}`);
    }
  }
  const rows = args.positionals.map((clientId) => {
    const murmur3 = rolloutHash(salt, clientId);
    const bucket = bucketFromHash(murmur3);
    return basisPoints === undefined ? { clientId, murmur3, bucket } : { clientId, murmur3, bucket, enforced: bucket < basisPoints };
  });
  if (args.values['json'] === true) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    for (const r of rows) io.stdout.write(`${r.clientId}\t${r.bucket}\t${r.murmur3}${'enforced' in r ? `\t${r.enforced ? 'enforced' : 'not-enforced'}` : ''}\n`);
  }
  return CLI_EXIT.ok;
}

const rolloutBucketCommandSpec: CliCommand = {
  name: 'rollout-bucket',
  summary: "Print clients' rollout buckets (MurmurHash3 of salt:clientId, basis points 0..9999)",
  help: HELP,
  options: {
    salt: { type: 'string' },
    'basis-points': { type: 'string' },
    json: { type: 'boolean' },
  },
  run,
};

/** `tailguard rollout-bucket --salt SALT CLIENT_ID...`: prints rollout buckets. */
export const rolloutBucketCommand: CliCommand = Object.freeze(rolloutBucketCommandSpec);
