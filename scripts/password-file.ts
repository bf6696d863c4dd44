/**
 * Reading the admin password from a file rather than a command-line argument: a process's
 * arguments are readable by every local user (`ps`, /proc/PID/cmdline) and stay in shell
 * history. Used by `bun run backup` and the live stress tools.
 */
import { readFileSync, statSync } from 'node:fs';

export class PasswordFileError extends Error {}

/**
 * The first line of a password file, without its line ending. Like ssh with a private key,
 * refuses a file that its group or other users may read.
 */
export function readPasswordFile(path: string): string {
  let mode: number;
  let text: string;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new PasswordFileError(`the password file ${path} is not a regular file`);
    mode = stats.mode & 0o777;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof PasswordFileError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new PasswordFileError(`cannot read the password file ${path}: ${reason}`);
  }
  if (process.platform !== 'win32' && (mode & 0o044) !== 0) {
    throw new PasswordFileError(
      `permissions 0${mode.toString(8)} for the password file ${path} are too open: ` +
        `other users may read it. Run: chmod 600 ${path}`,
    );
  }
  const newline = text.indexOf('\n');
  const password = (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, '');
  if (!password) throw new PasswordFileError(`the password file ${path} is empty (the password is its first line)`);
  return password;
}
