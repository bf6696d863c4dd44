import { expect, test } from 'bun:test';
import { detectDelimiter, readCsvRecords } from '../../../../src/pool/formats/csv-records';

const roomy = { maxCellChars: 1000, maxRecords: 1000 };

test('records keep the line they start on across quoted line breaks, CRLF, CR and blank lines', () => {
  const text = '\uFEFFid,name\r\n"s1","Ann\r\nLee"\r\n\r\ns2,  "Bo, ""B"""\rs3,Cy\n';
  expect(readCsvRecords(text, roomy)).toEqual({
    ok: true,
    records: [
      { line: 1, cells: ['id', 'name'] },
      { line: 2, cells: ['s1', 'Ann\r\nLee'] },
      { line: 5, cells: ['s2', 'Bo, "B"'] },
      { line: 6, cells: ['s3', 'Cy'] },
    ],
  });
});

test('the delimiter is what the header uses most outside quotes', () => {
  expect(detectDelimiter('"a,b";c;d\n1,2,3,4,5')).toBe(';');
  expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
  expect(detectDelimiter('only\n')).toBe(',');
  const read = readCsvRecords('id;name\n1;"Müller, Anna"\n', roomy);
  expect(read.ok && read.records[1]!.cells).toEqual(['1', 'Müller, Anna']);
});

test('an unclosed quote, a huge cell and too many records stop the read at their line', () => {
  expect(readCsvRecords('a\nb\n"open\nmore', roomy)).toEqual({ ok: false, line: 3, problem: 'unclosed_quote' });
  expect(readCsvRecords(`a\n${'x'.repeat(50)}\n`, { maxCellChars: 10, maxRecords: 10 })).toEqual({ ok: false, line: 2, problem: 'cell_too_long' });
  expect(readCsvRecords('a\nb\nc\n', { maxCellChars: 10, maxRecords: 2 })).toEqual({ ok: false, line: 3, problem: 'too_many_records' });
  expect(readCsvRecords('a\n\n\nb\n', { maxCellChars: 10, maxRecords: 2 }).ok).toBe(true);
});
