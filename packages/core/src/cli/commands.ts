import { auditCommand } from './audit-command.js';
import { auditStalenessRedisCommand } from './audit-staleness-redis-command.js';
import type { CliCommand } from './cli-command.js';
import { rolloutBucketCommand } from './rollout-bucket-command.js';

/**
 * The `tailguard` subcommands, in help order. To add one, write its
 * {@link CliCommand} in its own file and add it here; an application can also
 * pass its own table to `runCli`.
 */
export const CLI_COMMANDS: readonly CliCommand[] = Object.freeze([auditCommand, auditStalenessRedisCommand, rolloutBucketCommand]);
