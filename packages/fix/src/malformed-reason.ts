/**
 * Why an inbound message was counted as malformed (the `reason` label of
 * `fix_malformed_messages_total`). Closed and only ever appended.
 * The first five come from the session-level Reject(3) jspurefix answers with
 * (SessionRejectReason 373); the last two are found by this package.
 */
export const FIX_MALFORMED_REASONS = [
  'incorrect_value', // 373=5, includes a bad CheckSum(10)
  'required_tag_missing', // 373=1, e.g. NewOrderSingle without ClOrdID on an acceptor
  'invalid_tag', // 373=0
  'invalid_msg_type', // 373=11
  'session_reject', // any other 373
  'missing_cl_ord_id', // an execution report or order without ClOrdID(11) reaching the application
  'oversized', // larger than inboundMessageBytesMax; dropped before the application
] as const;

/** One value of {@link FIX_MALFORMED_REASONS}. */
export type FixMalformedReason = (typeof FIX_MALFORMED_REASONS)[number];

/** Index of each reason in {@link FIX_MALFORMED_REASONS}. */
export const MALFORMED = {
  incorrect_value: 0,
  required_tag_missing: 1,
  invalid_tag: 2,
  invalid_msg_type: 3,
  session_reject: 4,
  missing_cl_ord_id: 5,
  oversized: 6,
} as const satisfies Record<FixMalformedReason, number>;

/** Maps a SessionRejectReason(373) value to a malformed-reason index. */
export function malformedIndexForSessionReject(reason: number): number {
  switch (reason) {
    case 5:
      return MALFORMED.incorrect_value;
    case 1:
      return MALFORMED.required_tag_missing;
    case 0:
      return MALFORMED.invalid_tag;
    case 11:
      return MALFORMED.invalid_msg_type;
    default:
      return MALFORMED.session_reject;
  }
}
