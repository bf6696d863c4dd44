/**
 * `bun bench/import.ts`: import time and peak RSS of pool files, each case read and
 * imported in a fresh process (the file is made beforehand by this one), so one case's
 * memory does not hide another's and making a fixture is not measured. Cases: a generated 500-question
 * GIFT file, a 500-row .xlsx, and the hostile files of the fuzz tests at the largest size
 * the upload admits (24 MiB): random bytes, one huge question, half a million tiny
 * questions or rows, 24 MiB of blank lines, deeply nested XML, a zip bomb, and a 50 MB
 * file refused by its size.
 * Prints one JSON line per case, then the worst fuzz case. Nothing is asserted.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { zipSync } from 'fflate';
import { importPoolFile, MAX_POOL_FILE_BYTES } from '../src/pool/pool-import';
import { writeTestXlsx, type TestCell } from '../tests/helpers/xlsx-writer';

const encode = (text: string) => new TextEncoder().encode(text);
const kinds = ['single', 'multiple', 'numeric', 'poll'] as const;

function gift500(): Uint8Array {
  const blocks = Array.from({ length: 500 }, (_, index) => {
    const kind = kinds[index % 4];
    const text = `::Q${index}::[markdown]Question ${index}: what is **${index}** \\{x\\}?`;
    if (kind === 'numeric') return `${text} {#${index}:0.5 ####Because.}`;
    if (kind === 'multiple') return `${text} {~%50%a ~%50%b ~%-100%c ~%-100%d}`;
    if (kind === 'poll') return `${text} {~a ~b ~c}`;
    return `// live-quiz: time_limit_s=30 scoring=accuracy\n${text} {=right ~wrong ~other ~more}`;
  });
  return encode(`$CATEGORY: Bench\n\n${blocks.join('\n\n')}\n`);
}

function xlsx500(): Uint8Array {
  const rows: TestCell[][] = [['type', 'text', 'choice_a', 'choice_b', 'choice_c', 'choice_d', 'answer', 'time_limit_s', 'explanation']];
  for (let index = 0; index < 500; index++) rows.push(['single', `Row ${index}: which is right?`, 'one', 'two', 'three', 'four', 'B', 30, `Explanation ${index}`]);
  return writeTestXlsx(rows);
}

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = 7;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

const FUZZ_SIZE = MAX_POOL_FILE_BYTES - 1024;
const CASES: Record<string, () => { name: string; bytes: Uint8Array }> = {
  'gift-500-questions': () => ({ name: 'bench.gift', bytes: gift500() }),
  'xlsx-500-rows': () => ({ name: 'bench.xlsx', bytes: xlsx500() }),
  'fuzz-random-bytes-24MiB.gift': () => ({ name: 'random.gift', bytes: randomBytes(FUZZ_SIZE) }),
  'fuzz-one-huge-question-24MiB.gift': () => ({ name: 'huge.gift', bytes: encode(`${'x'.repeat(FUZZ_SIZE - 20)} {=a ~b}`) }),
  'fuzz-tiny-questions-24MiB.gift': () => ({ name: 'tiny.gift', bytes: encode('Q {=a ~b}\n\n'.repeat(Math.floor(FUZZ_SIZE / 11))) }),
  'fuzz-tiny-rows-24MiB.csv': () => ({ name: 'tiny.csv', bytes: encode(`text,choice_a,choice_b,answer\n${'Q,a,b,A\n'.repeat(Math.floor(FUZZ_SIZE / 8) - 4)}`) }),
  'fuzz-newlines-24MiB.gift': () => ({ name: 'newlines.gift', bytes: encode('\n'.repeat(FUZZ_SIZE)) }),
  'fuzz-many-rows.xlsx': () => ({ name: 'rows.xlsx', bytes: writeTestXlsx(Array.from({ length: 200_000 }, () => ['Q', 'a', 'b', 'A'])) }),
  'fuzz-many-questions-24MiB.xml': () => ({ name: 'many.xml', bytes: encode(`<quiz>${'<question type="truefalse"><questiontext><text>Q</text></questiontext><answer fraction="100"><text>true</text></answer></question>'.repeat(Math.floor(FUZZ_SIZE / 130))}</quiz>`) }),
  'fuzz-deep-xml-24MiB.xml': () => ({ name: 'deep.xml', bytes: encode(`<quiz>${'<a>'.repeat(FUZZ_SIZE / 8)}${'</a>'.repeat(FUZZ_SIZE / 8)}</quiz>`) }),
  'fuzz-zip-bomb.xlsx': () => ({ name: 'bomb.xlsx', bytes: zipSync({ 'xl/workbook.xml': encode('<workbook/>'), 'xl/worksheets/sheet1.xml': new Uint8Array(1024 * 1024 * 1024) }, { level: 9 }) }),
  'fuzz-50MB-refused-by-size.gift': () => ({ name: 'big.gift', bytes: new Uint8Array(50 * 1000 * 1000) }),
};

/**
 * This process's peak RSS from /proc (VmHWM). Not `resourceUsage().maxRSS`: Linux carries
 * that over from the parent across fork and exec, so a child would report the parent's peak.
 */
function peakRssMiB(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Math.round(process.resourceUsage().maxRSS / 1024);
}

/** In a fresh process: read the file, import it, report. The file was made by the parent, so its making is not measured. */
async function runCase(name: string, path: string): Promise<void> {
  Bun.gc(true);
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  const result = await importPoolFile({ name: basename(path), bytes: new Uint8Array(readFileSync(path)) });
  const ms = performance.now() - started;
  const questions = result.ok ? result.banks.reduce((total, bank) => total + bank.pool.questions.length, 0) : 0;
  console.log(
    JSON.stringify({
      case: name,
      file_bytes: statSync(path).size,
      ok: result.ok,
      questions,
      problems: result.ok ? 0 : result.details.length,
      first_problem: result.ok ? null : `${result.details[0]?.path}: ${result.details[0]?.message}`.slice(0, 120),
      import_ms: Math.round(ms * 10) / 10,
      rss_before_mib: Math.round(rssBefore / 1024 / 1024),
      peak_rss_mib: peakRssMiB(),
    }),
  );
}

const [caseName, casePath] = process.argv.slice(2);
if (caseName && casePath) await runCase(caseName, casePath);
else {
  const dir = mkdtempSync(join(tmpdir(), 'import-bench-'));
  const results: { case: string; peak_rss_mib: number }[] = [];
  for (const [name, make] of Object.entries(CASES)) {
    const file = make();
    const path = join(dir, file.name);
    writeFileSync(path, file.bytes);
    const child = Bun.spawnSync(['bun', import.meta.path, name, path], { stdout: 'pipe', stderr: 'inherit' });
    rmSync(path);
    const line = child.stdout.toString().trim();
    console.log(line || JSON.stringify({ case: name, crashed: child.exitCode }));
    if (line) results.push(JSON.parse(line));
  }
  rmSync(dir, { recursive: true });
  const worst = results.filter((result) => result.case.startsWith('fuzz')).sort((a, b) => b.peak_rss_mib - a.peak_rss_mib)[0];
  console.log(JSON.stringify({ worst_fuzz_case: worst?.case, peak_rss_mib: worst?.peak_rss_mib }));
}
