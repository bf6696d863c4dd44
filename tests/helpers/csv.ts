/**
 * Reading CSV in tests (results.csv): an RFC 4180 parser (quoted cells, doubled quotes,
 * CRLF or LF row ends) and rows as records. Imports nothing from src/: the stress
 * harness's contract-only client uses it too.
 */

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || (char === '\r' && text[index + 1] === '\n')) {
      if (char === '\r') index += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Parses like a spreadsheet would, after checking every row ends with CRLF (RFC 4180's row end). */
export function parseCrlfCsv(text: string): string[][] {
  if (!text.endsWith('\r\n') || /[^\r]\n/.test(text.replace(/"[^"]*"/g, ''))) throw new Error('CSV rows must end with CRLF');
  return parseCsv(text);
}

/** results.csv as objects keyed by the header. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((cells) => Object.fromEntries(header.map((name, position) => [name, cells[position] ?? ''])));
}
