import { replayTtlNs, type QuotePolicy, type ResolvedQuotePolicies } from '@tailguard/core';

/**
 * Lua sources of the Redis quote guard. The check is core's `decideQuoteCode`
 * (wall-clock path) ported line for line: same order, same double arithmetic,
 * reason codes are indices into QUOTE_REASONS. Policies are compiled into the
 * script at construction (a Lua table keyed by instrument), so a check sends
 * only the request, the client's clock reading and its clock error.
 */

/** Reply code asking the client for the reference mid of the returned instrument (request named none). */
export const NEED_MID_CODE = -1;

/**
 * Records a quote unless one with the same ID is live (SET NX semantics).
 * KEYS[1] quote hash. ARGV: instrument, bid, ask, issuedEpochUs, validUntilEpochUs or '', ttlMs.
 * Returns 1 when recorded, 0 when the ID is live.
 */
export const RECORD_QUOTE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[5] == '' then
  redis.call('HSET', KEYS[1], 'i', ARGV[1], 'b', ARGV[2], 'a', ARGV[3], 't', ARGV[4])
else
  redis.call('HSET', KEYS[1], 'i', ARGV[1], 'b', ARGV[2], 'a', ARGV[3], 't', ARGV[4], 'v', ARGV[5])
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1
`;

/** Lua statements assigning one policy's figures to the script's locals. */
function policyAssign(p: QuotePolicy): string {
  // Every figure is computed here in JS with the same operations core uses at check
  // time (ms × 1000), and printed in shortest round-trip form, so Lua reads back the
  // identical double.
  const replayTtlMs = Math.ceil(replayTtlNs(p) / 1e6);
  return `maxAge = ${String(p.maxAgeMs * 1_000)}; maxFuture = ${String(p.maxFutureSkewMs * 1_000)}; tol = ${String(p.priceToleranceBps)}; dealerSafe = ${
    p.clockErrorPolicy === 'dealer-safe'
  }; maxErr = ${String(p.maxClockErrorMs * 1_000)}; ttl = '${replayTtlMs}'`;
}

/**
 * The one-round-trip check (needs Redis ≥ 7.0 for `SET ... NX GET`).
 * KEYS[1] quote hash, KEYS[2] replay key (same hash tag).
 * ARGV: [1] execId, [2] nowEpochUs, [3] clock '1' synchronised / '0' not / '2' error
 * not a finite number, [4] clock error µs, [5] instrument named by the request or '',
 * [6] side 'buy'|'sell', [7] limit px or '', [8] reference mid, '' (none) or '?' (unknown:
 * the request named no instrument).
 * Reply: { code, issuedEpochUs, priceDirection, instrument } (shorter when the rest is
 * absent). issuedEpochUs is the quote's stored text when the decision reached the age
 * check, '' otherwise: the client computes the age as nowEpochUs − issuedEpochUs, the
 * same double subtraction the script judged, and knows the clock error it sent.
 * instrument is '' when the request named it (the client knows it), the quote's otherwise.
 *
 * Written for speed as much as for parity: policies are an if-chain on interned
 * instrument strings (no table built per call), figures passed to commands are
 * string literals (Lua formats a number argument with snprintf), nothing is formatted
 * for the reply, and the replay mark is one `SET NX PX GET` taken up front and undone
 * (DEL) if the check fails, instead of a GET and a later SET. Measured with sequential
 * EVALSHA on this box (INFO commandstats): formatting the age and error with
 * string.format('%.17g') and a numeric PX cost ~4 µs of a ~16 µs script; a per-call
 * policy table and a third command each cost a visible share of the round trip too.
 */
export function quoteCheckLua(policies: ResolvedQuotePolicies): string {
  const chain = [...policies.instruments].map(([name, p], i) => `${i === 0 ? 'if' : 'elseif'} inst == ${JSON.stringify(name)} then ${policyAssign(p)}`);
  const select = chain.length === 0 ? policyAssign(policies.default) : `${chain.join('\n')}\nelse ${policyAssign(policies.default)}\nend`;
  return `
local A = ARGV
local q = redis.call('HMGET', KEYS[1], 'i', 'b', 'a', 't', 'v')
local inst = q[1]
if not inst then return {5} end
local named = A[5]
local replyInst = inst
if named ~= '' then
  if named ~= inst then return {9} end
  replyInst = ''
end
local maxAge, maxFuture, tol, dealerSafe, maxErr, ttl
${select}
if A[7] ~= '' then
  local limit = tonumber(A[7])
  if A[6] == 'buy' then
    if limit < tonumber(q[3]) then return {9, '', 0, replyInst} end
  elseif limit > tonumber(q[2]) then return {9, '', 0, replyInst} end
end
local marked = redis.call('SET', KEYS[2], A[1], 'PX', ttl, 'NX', 'GET')
if marked == A[1] then return {0, '', 0, replyInst} end
local issued = tonumber(q[4])
local age = tonumber(A[2]) - issued
local code = 0
local dir = 0
if A[3] ~= '1' then
  code = 7
else
  local err = tonumber(A[4])
  local judged
  if dealerSafe then judged = age + err else judged = age - err end
  if not (err <= maxErr) then code = 7
  elseif -age > maxFuture + err then code = 6
  elseif q[5] and judged > tonumber(q[5]) - issued then code = 2
  elseif judged > maxAge then code = 1
  elseif marked then code = 4
  elseif A[8] == '?' then code = ${NEED_MID_CODE}
  elseif A[8] ~= '' then
    local mid = (tonumber(q[2]) + tonumber(q[3])) / 2
    local diff = tonumber(A[8]) - mid
    local absd = diff
    if diff < 0 then absd = -diff end
    if absd * 10000 > tol * mid then
      code = 3
      dir = 2
      if (diff > 0) == (A[6] == 'buy') then dir = 1 end
    end
  end
end
-- The mark was taken before judging age (one SET NX GET instead of GET then SET):
-- undo it when the check fails. The script is atomic, so nobody saw it.
if code ~= 0 and not marked then redis.call('DEL', KEYS[2]) end
if code == ${NEED_MID_CODE} then return {code, '', 0, inst} end
return {code, q[4], dir, replyInst}
`;
}
