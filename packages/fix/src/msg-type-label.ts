/**
 * The bounded set of `msg_type` label values: FIX session messages and the
 * order-flow application messages this package meets. Anything else is counted
 * under `other`, so a peer cannot grow the series set.
 */
export const FIX_MSG_TYPE_LABELS = [
  '0', '1', '2', '3', '4', '5', 'A', // session: heartbeat .. logon
  'D', 'F', 'G', 'H', '8', '9', 'j', // orders, cancels, replaces, status, execution reports, rejects
  'R', 'S', 'Z', 'AI', 'b', 'V', 'W', 'X', 'Y', // quotes and market data
  'other',
] as const;

/** One value of {@link FIX_MSG_TYPE_LABELS}. */
export type FixMsgTypeLabel = (typeof FIX_MSG_TYPE_LABELS)[number];

const OTHER_INDEX = FIX_MSG_TYPE_LABELS.length - 1;
const INDEX_BY_TYPE: ReadonlyMap<string, number> = new Map(FIX_MSG_TYPE_LABELS.map((t, i) => [t, i]));
/** Index of each one-character type by char code (-1: not a label): every message is counted, a table read beats a Map lookup. */
const INDEX_BY_CHAR = new Int8Array(128).fill(-1);
FIX_MSG_TYPE_LABELS.forEach((t, i) => {
  if (t.length === 1) INDEX_BY_CHAR[t.charCodeAt(0)] = i;
});

/** Index of `msgType` in {@link FIX_MSG_TYPE_LABELS}; unknown types map to `other`. Allocation-free. */
export function msgTypeLabelIndex(msgType: string): number {
  if (msgType.length === 1) {
    const code = msgType.charCodeAt(0);
    const i = code < 128 ? INDEX_BY_CHAR[code]! : -1;
    return i < 0 ? OTHER_INDEX : i;
  }
  return INDEX_BY_TYPE.get(msgType) ?? OTHER_INDEX;
}
