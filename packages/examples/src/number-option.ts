/**
 * Reads one numeric command-line flag of a demo: `fallback` when the flag is
 * absent, else its number when `ok` accepts it. Throws a RangeError naming the
 * flag (`--field`), the `rule` it breaks and the text given.
 */
export function numberOption(field: string, text: string | undefined, fallback: number, ok: (n: number) => boolean, rule: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !ok(n)) throw new RangeError(`--${field} must be ${rule}, got ${JSON.stringify(text)}`);
  return n;
}
