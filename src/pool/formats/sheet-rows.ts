/**
 * Which of the two layouts a spreadsheet (CSV or .xlsx) has: this app's own columns
 * (template-columns.ts) or Kahoot's quiz template (kahoot.ts), told apart by the header.
 */
import type { PoolError } from '../../protocol/pool';
import { findKahootHeader, readKahootRows } from './kahoot';
import { parsedFile, QuestionCollector, type ParsedBank, type ParsedFile, type ParsedQuestion } from './parsed-bank';
import type { SheetRow } from './sheet-cells';
import { readTemplateRows } from './template-columns';

/** The rows as pool questions, in this app's template or Kahoot's, titled `title`. */
export function readSheetRows(rows: SheetRow[], title: string): ParsedFile {
  const details: PoolError[] = [];
  const bank: ParsedBank = { title, questions: [] };
  const collector = new QuestionCollector(details);
  const collect = (question: ParsedQuestion) => collector.add(bank, question);
  const kahootHeader = findKahootHeader(rows);
  if (kahootHeader === null) readTemplateRows(rows, details, collect);
  else readKahootRows(rows, kahootHeader, details, collect);
  return parsedFile([bank], details);
}
