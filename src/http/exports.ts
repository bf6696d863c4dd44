/** What every export route shares: finding the run `?run=` names, and the CSV download itself. */
import { AppError } from '../errors';
import type { RunRecord, SessionStore } from '../session/ports';

/** The run `?run=` names (the current one without it), or 404 run_not_found. */
export function exportedRun(store: SessionStore, requested: string | undefined, currentRunId: number): RunRecord {
  const runId = requested === undefined ? currentRunId : Number(requested);
  const run = Number.isSafeInteger(runId) ? store.loadRun(runId) : null;
  if (!run) throw new AppError(404, 'run_not_found', 'no run with this id');
  return run;
}

export function csvDownload(csv: string, filename: string): Response {
  return new Response(csv, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` },
  });
}
