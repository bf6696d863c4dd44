/**
 * Turning an uploaded text file's bytes into lines, whatever tool wrote it: UTF-8 with or
 * without a BOM, UTF-16 with a BOM (Excel's "Unicode text", Windows Notepad), and bytes
 * that are not UTF-8, read as Windows-1252 (the "ANSI" Latin-1 superset older Windows
 * editors and Excel's CSV export write). CRLF and lone CR become LF. Bytes that are no
 * text at all (NUL and other control characters) are refused with the line they sit on.
 */
import type { PoolError } from '../../protocol/pool';

export type SourceText = { ok: true; text: string } | { ok: false; details: PoolError[] };

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

function decode(bytes: Uint8Array): string {
  if (startsWith(bytes, UTF8_BOM)) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (startsWith(bytes, UTF16LE_BOM)) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (startsWith(bytes, UTF16BE_BOM)) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** The file as text with LF line ends, or why it is not a text file. */
export function readSourceText(bytes: Uint8Array): SourceText {
  const text = decode(bytes).replace(/\r\n?/g, '\n');
  // Tab and LF are text; every other C0 control (NUL above all) means binary bytes.
  const binary = /[\u0000-\u0008\u000b-\u001f\u007f]/.exec(text);
  if (binary) {
    const line = text.slice(0, binary.index).split('\n').length;
    return { ok: false, details: [{ path: `line ${line}`, message: 'holds bytes that are not text: is this the right file?' }] };
  }
  return { ok: true, text };
}

export interface SourceLine {
  text: string;
  /** 1-based. */
  number: number;
}

/** The lines of `text` one at a time: a file of millions of blank lines is never held as an array. */
export function* sourceLines(text: string): Generator<SourceLine> {
  let start = 0;
  for (let number = 1; start <= text.length; number++) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    yield { text: text.slice(start, stop), number };
    if (end < 0) return;
    start = end + 1;
  }
}
