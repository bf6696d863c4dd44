/**
 * `bun run pool check|convert` as a lecturer runs it: a subprocess, its output and exit code.
 */
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { importPoolFile } from '../../src/pool/pool-import';
import { run } from '../helpers/run-command';
import { writeTestXlsx } from '../helpers/xlsx-writer';
import { MOODLE_XML_SAMPLE } from '../unit/pool/formats/moodle-xml-sample';

const dir = mkdtempSync(join(tmpdir(), 'pool-cli-'));
function file(name: string, contents: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}
const pool = (...args: string[]) => run(['bun', 'run', '--silent', 'pool', ...args]);

const GIFT = '$CATEGORY: Algebra\n\nTwo plus two? {=4 ~3 ~5}\n\n$CATEGORY: Physics\n\nGravity on Earth (m/s²)? {#9.81:0.05}\n';

describe('bun run pool check', () => {
  test('a good file: exit 0 and a one-line summary', () => {
    const result = pool('check', file('good.gift', GIFT));
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([`${join(dir, 'good.gift')}: ok (gift): 2 questions in 2 banks: “Algebra” 1, “Physics” 1`]);
  });

  test('a bad file: every problem with its line or JSON path, exit 1', () => {
    const gift = pool('check', file('bad.gift', 'Fine {=a ~b}\n\nMatch {=a -> b =c -> d}\n\nToo many {=1 ~2 ~3 ~4 ~5 ~6 ~7}\n'));
    expect(gift.code).toBe(1);
    const lines = gift.stdout.trim().split('\n');
    expect(lines[0]).toContain('bad.gift: line 3: is a matching question');
    expect(lines[1]).toContain('bad.gift: line 5: choices:');
    expect(lines[2]).toContain('refused (2 problems)');
    const json = pool('check', file('bad.json', '{"title":"t","questions":[{"text":"Q","choices":["a","b"],"answer":"Z"}]}'));
    expect(json.code).toBe(1);
    expect(json.stdout).toContain('bad.json: /questions/0/answer: must be one of A, B');
  });

  test('xlsx rows, a missing file and an oversized file', () => {
    const xlsx = pool('check', file('rows.xlsx', writeTestXlsx([['text', 'choice_a', 'choice_b', 'answer'], ['Q', 'a', 'b', 'C']])));
    expect(xlsx.code).toBe(1);
    expect(xlsx.stdout).toContain('rows.xlsx: row 2: answer: must be one of A, B');
    const missing = pool('check', join(dir, 'nope.gift'));
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('cannot read it');
    const big = file('big.gift', '');
    truncateSync(big, 50 * 1024 * 1024);
    const refused = pool('check', big);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('is 50.0 MiB; a pool file may be at most 24 MiB');
  });

  test('no arguments: usage on stderr, exit 2', () => {
    const result = pool();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bun run pool check FILE');
  });
});

describe('bun run pool convert', () => {
  test('GIFT → JSON joins the categories into one pool that the upload accepts', async () => {
    const out = join(dir, 'joined.json');
    const result = pool('convert', file('course.gift', GIFT), out);
    expect(result.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.title).toBe('course');
    expect(json.questions).toHaveLength(2);
    expect((await importPoolFile({ name: 'joined.json', bytes: readFileSync(out) })).ok).toBe(true);
  });

  test('Moodle XML with an image → .zip holding pool.json and the image; → .json is refused', () => {
    const xml = file('moodle.xml', MOODLE_XML_SAMPLE);
    const zip = join(dir, 'moodle.zip');
    expect(pool('convert', xml, zip).code).toBe(0);
    const entries = unzipSync(readFileSync(zip));
    expect(Object.keys(entries).sort()).toEqual(['map fr.png', 'pool.json']);
    const refused = pool('convert', xml, join(dir, 'moodle.json'));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('write a .zip');
  });

  test('CSV → GIFT → CSV gives the same rows; .xlsx cannot be written', () => {
    const csv = 'type,text,choice_a,choice_b,choice_c,choice_d,choice_e,choice_f,answer,tolerance,time_limit_s,scoring,explanation\r\nmultiple,"Pick, two",a,b,c,,,,"A,C",,30,accuracy,"Because ""so"""\r\nnumeric,Pi?,,,,,,,3.14,0.01,20,speed,\r\n';
    const gift = join(dir, 'sheet.gift');
    expect(pool('convert', file('sheet.csv', csv), gift).code).toBe(0);
    const back = join(dir, 'back.csv');
    expect(pool('convert', gift, back).code).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe(csv);
    const xlsx = pool('convert', gift, join(dir, 'out.xlsx'));
    expect(xlsx.code).toBe(1);
    expect(xlsx.stdout).toContain('cannot write ".xlsx" files');
  });

  test('Moodle XML → .zip → Moodle XML keeps the image; a multiple-answer question cannot be written as Aiken', () => {
    const zip = join(dir, 'round.zip');
    expect(pool('convert', file('round.xml', MOODLE_XML_SAMPLE), zip).code).toBe(0);
    const xml = join(dir, 'back.xml');
    expect(pool('convert', zip, xml).code).toBe(0);
    expect(readFileSync(xml, 'utf8')).toContain('<file name="map fr.png" path="/" encoding="base64">');
    expect(pool('check', xml).stdout).toContain('ok (moodle-xml): 4 questions in 1 bank');
    const aiken = pool('convert', xml, join(dir, 'back.aiken'));
    expect(aiken.code).toBe(1);
    expect(aiken.stdout).toContain('question 2 is multiple: Aiken holds single-answer questions only');
  });
});
