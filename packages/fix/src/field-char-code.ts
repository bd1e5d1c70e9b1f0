import type { MsgView } from 'jspurefix';

/** {@link fieldCharCode}: the tag is absent. */
export const FIELD_ABSENT = -1;
/** {@link fieldCharCode}: the value is empty or longer than one character (read it with `getString`). */
export const FIELD_NOT_ONE_CHAR = -2;

/** The parts of jspurefix's AsciiView read here (5.x; `getPosition` is protected in its typings). */
interface AsciiViewParts {
  getPosition?(tag: number): number;
  readonly structure?: { readonly tags: { readonly tagPos: readonly { readonly start: number; readonly len: number }[] } } | null;
  readonly buffer?: { get(pos: number): number };
}

/**
 * The character code of a one-character field (ExecType(150), OrdStatus(39),
 * Side(54), ...) read from the view's buffer: {@link FIELD_ABSENT} when the tag is
 * absent, {@link FIELD_NOT_ONE_CHAR} when its value is not one character.
 *
 * Why: `getString` copies the value into a new string through a native call
 * (~0.1-0.2 µs each here); an execution report's tracking reads two such codes per
 * message on the order → ack path. Views that are not jspurefix ASCII views
 * (FIXML) take the `getString` path.
 */
export function fieldCharCode(view: MsgView, tag: number): number {
  const v = view as unknown as AsciiViewParts;
  const structure = v.structure;
  const buffer = v.buffer;
  if (structure == null || buffer === undefined || v.getPosition === undefined) return charCodeOfString(view.getString(tag));
  const position = v.getPosition(tag);
  if (position < 0) return FIELD_ABSENT;
  const at = structure.tags.tagPos[position]!;
  return at.len === 1 ? buffer.get(at.start) : FIELD_NOT_ONE_CHAR;
}

function charCodeOfString(s: string | null): number {
  if (s === null) return FIELD_ABSENT;
  return s.length === 1 ? s.charCodeAt(0) : FIELD_NOT_ONE_CHAR;
}

/**
 * The field's text from a code {@link fieldCharCode} returned: '' when absent,
 * the one character (V8 keeps one-character strings interned: no allocation),
 * else the view's string.
 */
export function fieldTextOf(view: MsgView, tag: number, code: number): string {
  if (code >= 0) return String.fromCharCode(code);
  return code === FIELD_ABSENT ? '' : (view.getString(tag) ?? '');
}
