// A second engine process for the race tests: plain Node (no TypeScript, no build),
// raw ioredis and the very Lua source the RedisQuoteGuard registers, handed over
// by the parent on stdin. It prints "ready", waits for "go", executes every quote
// once per connection and prints its tally as JSON.
import { createInterface } from 'node:readline';
import { Cluster, Redis } from 'ioredis';

const lines = createInterface({ input: process.stdin });
const it = lines[Symbol.asyncIterator]();
const job = JSON.parse((await it.next()).value);
const conns = [];
for (let c = 0; c < job.connections; c++) {
  const r = job.cluster
    ? new Cluster(job.nodes, { enableOfflineQueue: true, redisOptions: { maxRetriesPerRequest: 0 } })
    : new Redis(job.nodes[0].port, job.nodes[0].host, { maxRetriesPerRequest: 0 });
  r.on('error', () => {});
  r.defineCommand('tgCheck', { lua: job.lua, numberOfKeys: 2 });
  await r.ping();
  conns.push(r);
}
process.stdout.write('ready\n');
await it.next(); // "go"
const tally = { OK: 0, QUOTE_REPLAYED: 0, other: {}, okQuotes: [] };
const REASONS = ['OK', 'QUOTE_STALE', 'QUOTE_EXPIRED', 'PRICE_MOVED', 'QUOTE_REPLAYED', 'QUOTE_UNKNOWN', 'QUOTE_FROM_FUTURE', 'CLOCK_UNSYNCED', 'GUARD_UNAVAILABLE', 'INVALID_REQUEST'];
await Promise.all(
  conns.map(async (r, c) => {
    const calls = job.quotes.map(([quoteKey, replayKey], i) =>
      r
        .tgCheck(quoteKey, replayKey, `child-${process.pid}-${c}-${i}`, String(Date.now() * 1000), '1', '0', job.instrument, 'buy', '', '')
        .then(
          (reply) => {
            const reason = REASONS[Number(reply[0])] ?? `code ${reply[0]}`;
            if (reason === 'OK') {
              tally.OK++;
              tally.okQuotes.push(i);
            } else if (reason === 'QUOTE_REPLAYED') tally.QUOTE_REPLAYED++;
            else tally.other[reason] = (tally.other[reason] ?? 0) + 1;
          },
          (err) => {
            tally.other[`error ${err.message}`] = (tally.other[`error ${err.message}`] ?? 0) + 1;
          },
        ),
    );
    await Promise.all(calls);
  }),
);
for (const r of conns) r.disconnect();
process.stdout.write(`${JSON.stringify(tally)}\n`);
lines.close();
