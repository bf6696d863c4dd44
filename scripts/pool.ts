/**
 * The pool files command line, for people who like files:
 *
 *   bun run pool check FILE      every problem with its line, row or JSON path (exit 1), or a one-line summary
 *   bun run pool convert IN OUT  IN in any format the console reads; OUT's extension picks the format
 *
 * Formats, limits and messages are the console upload's own (src/pool/pool-import.ts).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { exportBanks, WRITABLE_EXTENSIONS } from '../src/pool/pool-export';
import { importPoolFile, MAX_POOL_FILE_BYTES, type PoolFileImport } from '../src/pool/pool-import';
import { extensionOf } from '../src/pool/formats/file-format';

const USAGE = `usage:
  bun run pool check FILE
  bun run pool convert IN OUT   (OUT: .${WRITABLE_EXTENSIONS.join(', .')})`;

async function readPoolFile(path: string, oneBank: boolean): Promise<PoolFileImport> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    return { ok: false, format: null, details: [{ path: '/', message: `cannot read it: ${(error as Error).message}` }] };
  }
  // Refused by its size before a byte is read, as the upload refuses it.
  if (size > MAX_POOL_FILE_BYTES) {
    return { ok: false, format: null, details: [{ path: '/', message: `is ${(size / 1024 / 1024).toFixed(1)} MiB; a pool file may be at most ${MAX_POOL_FILE_BYTES / 1024 / 1024} MiB` }] };
  }
  return importPoolFile({ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }, { oneBank });
}

function printProblems(path: string, result: Extract<PoolFileImport, { ok: false }>): void {
  for (const detail of result.details) console.log(`${path}: ${detail.path}: ${detail.message}`);
  console.log(`${path}: refused (${result.details.length} problem${result.details.length === 1 ? '' : 's'})`);
}

async function check(path: string): Promise<number> {
  const result = await readPoolFile(path, false);
  if (!result.ok) {
    printProblems(path, result);
    return 1;
  }
  const questions = result.banks.reduce((total, bank) => total + bank.pool.questions.length, 0);
  const banks = result.banks.map((bank) => `“${bank.title}” ${bank.pool.questions.length}`).join(', ');
  console.log(`${path}: ok (${result.format}): ${questions} question${questions === 1 ? '' : 's'} in ${result.banks.length} bank${result.banks.length === 1 ? '' : 's'}: ${banks}`);
  return 0;
}

async function convert(input: string, output: string): Promise<number> {
  const oneBank = !['gift', 'txt'].includes(extensionOf(output));
  const result = await readPoolFile(input, oneBank);
  if (!result.ok) {
    printProblems(input, result);
    return 1;
  }
  const exported = exportBanks(result.banks, output);
  if (!exported.ok) {
    console.log(`${output}: ${exported.message}`);
    return 1;
  }
  writeFileSync(output, exported.bytes);
  for (const note of exported.notes) console.log(`${output}: note: ${note}`);
  const questions = result.banks.reduce((total, bank) => total + bank.pool.questions.length, 0);
  console.log(`${output}: written (${questions} question${questions === 1 ? '' : 's'} from ${result.format})`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'check' && rest.length === 1) return check(rest[0]!);
  if (command === 'convert' && rest.length === 2) return convert(rest[0]!, rest[1]!);
  console.error(USAGE);
  return 2;
}

process.exit(await main(process.argv.slice(2)));
