/**
 * Class list CSVs as real systems export them: our own header, Moodle's participants and
 * grades exports, Canvas's gradebook export (with its "Points Possible" row), European
 * Excel's semicolons, a byte-order mark, quoted names with commas and line breaks, blank
 * lines, and every way a file is refused (with its lines).
 */
import { describe, expect, test } from 'bun:test';
import { parseClassListCsv, type ClassListParse } from '../../../src/session/class-list-csv';

const utf8 = (text: string) => new TextEncoder().encode(text);
const parse = (text: string) => parseClassListCsv(utf8(text));

function accepted(result: ClassListParse) {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.details)}`);
  return result;
}
function refused(result: ClassListParse) {
  if (result.ok) throw new Error('accepted');
  return result.details;
}
const pairs = (result: ClassListParse) => accepted(result).rows.map((row) => [row.studentId, row.name]);

describe('accepted files', () => {
  test('our own header, in file order with positions', () => {
    const result = accepted(parse('student_id,name\ns1,Ann Lee\ns2,Bob\n'));
    expect(result.rows).toEqual([
      { studentId: 's1', name: 'Ann Lee', position: 0 },
      { studentId: 's2', name: 'Bob', position: 1 },
    ]);
    expect(result.columns).toEqual({ id: 'student_id', name: 'name' });
    expect(result.skipped).toEqual([]);
  });

  test('Moodle participants export: ID number, First name + Last name, other columns ignored', () => {
    const csv = 'First name,Last name,ID number,Email address,Institution\nAnn,Lee,20231,ann@uni.example,Uni\nBob,Marley,20232,bob@uni.example,Uni\n';
    const result = accepted(parse(csv));
    expect(pairs(result)).toEqual([['20231', 'Ann Lee'], ['20232', 'Bob Marley']]);
    expect(result.columns).toEqual({ id: 'ID number', name: 'First name + Last name' });
  });

  test('Moodle user file field names (idnumber, firstname, lastname)', () => {
    expect(pairs(parse('username,firstname,lastname,idnumber\nann,Ann,Lee,77\n'))).toEqual([['77', 'Ann Lee']]);
  });

  test('Canvas gradebook export: SIS User ID and Student ("Last, First"), Points Possible and Test Student left out', () => {
    const csv = [
      'Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (123)',
      '    Points Possible,,,,,10',
      '"Lee, Ann",4411,S-001,alee,Section A,9',
      '"Marley, Bob",4412,S-002,bmarley,Section A,7',
      'Test Student,4499,,abc123,Section A,',
    ].join('\r\n');
    const result = accepted(parse(csv));
    expect(pairs(result)).toEqual([['S-001', 'Lee, Ann'], ['S-002', 'Marley, Bob']]);
    expect(result.columns).toEqual({ id: 'SIS User ID', name: 'Student' });
    expect(result.skipped.map((skip) => skip.line)).toEqual([2, 5]);
  });

  test('the id column priority: student_id beats ID number beats SIS User ID beats SIS Login ID', () => {
    expect(pairs(parse('SIS Login ID,SIS User ID,Student\nlogin,sis,Ann\n'))).toEqual([['sis', 'Ann']]);
    expect(pairs(parse('SIS Login ID,Student\nlogin,Ann\n'))).toEqual([['login', 'Ann']]);
    expect(pairs(parse('ID number,student_id,name\nmoodle,ours,Ann\n'))).toEqual([['ours', 'Ann']]);
  });

  test('a byte-order mark, semicolons (European Excel) and CRLF', () => {
    expect(pairs(parse('\uFEFFstudent_id;name\r\ns1;Müller, Anna\r\ns2;Bob\r\n'))).toEqual([['s1', 'Müller, Anna'], ['s2', 'Bob']]);
  });

  test('tabs, and a lone CR as line end', () => {
    expect(pairs(parse('student_id\tname\rs1\tAnn\rs2\tBob'))).toEqual([['s1', 'Ann'], ['s2', 'Bob']]);
  });

  test('quoted fields hold the separator, doubled quotes and line breaks; line numbers count them', () => {
    const csv = 'student_id,name\n"s1","Lee, ""Annie"" Ann"\n"s2","Bob\nMarley"\ns2,Twice\n';
    // The line break inside a name is refused as a control character, and reported on its line.
    const details = refused(parse(csv));
    expect(details).toContainEqual({ line: 3, message: 'the name must not contain control characters' });
    expect(pairs(parse('student_id,name\n"s1","Lee, ""Annie"" Ann"\n'))).toEqual([['s1', 'Lee, "Annie" Ann']]);
  });

  test('a separator in the header inside quotes does not decide the separator', () => {
    expect(pairs(parse('"student_id";"name";"note, free text"\n"s1";"Lee, Ann";"a, b"\n'))).toEqual([['s1', 'Lee, Ann']]);
  });

  test('empty lines anywhere are skipped; trailing spaces are trimmed', () => {
    expect(pairs(parse('\n\nstudent_id,name\n\n s1 , Ann \n,\n\ns2,Bob\n\n'))).toEqual([['s1', 'Ann'], ['s2', 'Bob']]);
  });

  test('ids are NFKC like joins (full-width digits), names NFC', () => {
    expect(pairs(parse('student_id,name\n\uFF11\uFF12,Zoe\u0308\n'))).toEqual([['12', 'Zoë']]);
  });

  test('5,000 rows', () => {
    const lines = ['student_id,name', ...Array.from({ length: 5000 }, (_, i) => `s${i},"Student ${i}, Jr."`)];
    const result = accepted(parse(lines.join('\n')));
    expect(result.rows).toHaveLength(5000);
    expect(result.rows[4999]).toEqual({ studentId: 's4999', name: 'Student 4999, Jr.', position: 4999 });
  });
});

describe('refused files, with their lines', () => {
  test('a duplicate id names both lines, also as a look-alike', () => {
    expect(refused(parse('student_id,name\ns1,Ann\ns2,Bob\ns1,Ann again\n\uFF53\uFF12,Bob look-alike\n'))).toEqual([
      { line: 4, message: 'student id "s1" is on lines 2 and 4' },
      { line: 5, message: 'student id "s2" is on lines 3 and 5' },
    ]);
  });

  test('bad ids and names by the join rules, all reported', () => {
    const details = refused(parse(`student_id,name\ns\u200B1,Ann\ns2,\ns3,${'x'.repeat(65)}\n${'y'.repeat(65)},Long id\n`));
    expect(details).toEqual([
      { line: 2, message: 'the student id must not contain invisible or text-direction characters' },
      { line: 3, message: 'the name must not be blank' },
      { line: 4, message: 'the name is longer than 64 characters' },
      { line: 5, message: 'the student id is longer than 64 characters' },
    ]);
  });

  test('no id column, no name column, an empty file, only a header, an unclosed quote, not UTF-8', () => {
    expect(refused(parse('email,name\na@b,Ann\n'))[0]!.message).toContain('no student id column');
    expect(refused(parse('student_id,email\ns1,a@b\n'))[0]!.message).toContain('no name column');
    expect(refused(parse(''))[0]!.message).toBe('the file is empty');
    expect(refused(parse('student_id,name\n'))[0]!.message).toContain('lists no student');
    expect(refused(parse('student_id,name\ns1,"Ann\ns2,Bob\n'))).toEqual([{ line: 2, message: 'a quoted field is never closed' }]);
    expect(refused(parseClassListCsv(new Uint8Array([0x73, 0x74, 0xff, 0xfe, 0x0a])))[0]!.message).toContain('not UTF-8');
  });

  test('more than 20,000 rows', () => {
    const lines = ['student_id,name', ...Array.from({ length: 20_001 }, (_, i) => `s${i},N`)];
    expect(refused(parse(lines.join('\n')))[0]!.message).toContain('at most 20000 rows');
  });
});
