/** A spreadsheet as rows of text cells, whether it came from a CSV or an .xlsx file. */
import type { PoolError } from '../../protocol/pool';

export interface SheetRow {
  /** `line 4` (CSV) or `row 4` (xlsx): where the row is, as the lecturer's tool shows it. */
  where: string;
  cells: string[];
}

export function isBlankRow(row: SheetRow): boolean {
  return row.cells.every((cell) => cell.trim() === '');
}

/** A cell that must hold a whole number, if it holds anything. */
export function readInteger(cell: string, column: string, where: string, details: PoolError[]): number | undefined {
  const text = cell.trim();
  if (text === '') return undefined;
  if (/^\d+(\.0+)?$/.test(text)) return Number(text);
  details.push({ path: where, message: `${column}: "${text.slice(0, 40)}" is not a whole number` });
  return undefined;
}
