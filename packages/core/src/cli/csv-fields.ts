/** Result of {@link splitCsvLine}: the fields, or why the line cannot be split. */
export type CsvSplit = { ok: true; fields: string[] } | { ok: false; problem: string };

/**
 * Splits one CSV line (RFC 4180 quoting: `"a,b"`, `""` for a quote inside a
 * quoted field). A quoted field cannot span lines: the audit reads one
 * execution per line, so an unterminated quote is reported, not joined.
 */
export function splitCsvLine(line: string): CsvSplit {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return { ok: false, problem: `unterminated quoted field ${fields.length + 1}` };
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < n && line[i] !== ',') return { ok: false, problem: `unexpected text after the closing quote of field ${fields.length + 1}` };
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      fields.push(line.slice(i, end));
      i = end;
    }
    if (i >= n) return { ok: true, fields };
    i++; // the comma
    if (i === n) {
      fields.push('');
      return { ok: true, fields };
    }
  }
}
