// A second engine process for the rollout test: it runs the compiled @tailguard/redis-store
// (the test builds it first), follows the rollout config over pub/sub and prints one JSON
// line per config version it applies: { version, mode, enforced } for the client it is given.
import { Redis } from 'ioredis';
import { keyLayout, RedisRollout } from '../../dist/index.js';

const [port, prefix, clientId] = process.argv.slice(2);
const connect = () => {
  const r = new Redis(Number(port), '127.0.0.1', { retryStrategy: () => 20, maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  return r;
};
const rollout = await new RedisRollout(connect(), connect(), { keys: keyLayout(prefix), initial: { mode: 'shadow', salt: 's1' } }).start();
let seen = -1;
const report = () => {
  if (rollout.version === seen) return;
  seen = rollout.version;
  process.stdout.write(`${JSON.stringify({ version: rollout.version, mode: rollout.mode(), enforced: rollout.isEnforced(clientId) })}\n`);
};
report();
// Polls its own in-memory state (what a check would read), not Redis.
setInterval(report, 2).unref();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
