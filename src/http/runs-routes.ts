/**
 * The instructor's past runs, gradebook and analytics over HTTP: thin handlers over
 * session/past-runs.ts and the pure builders in results/. Instructor-only, like the rest
 * of /admin/api; POSTs from a foreign origin are refused.
 */
import { Elysia } from 'elysia';
import { AppError } from '../errors';
import { readJarValue } from '../identity/cookies';
import { assertAllowedOrigin } from '../identity/request-origin';
import { DeleteRunBody, GRADEBOOK_FORMATS, RenameRunBody, type GradebookFormat, type RunAnalytics, type RunResults } from '../protocol/runs';
import { readStoredPool } from '../pool/pool';
import { computeRunAnalytics } from '../results/analytics';
import { buildGradebook } from '../results/gradebook';
import { gradebookCsv } from '../results/gradebook-csv';
import { standingsOf } from '../results/standings';
import type { AppDeps } from './deps';
import { csvDownload } from './exports';
import { unwrapOutcome } from './refusals';
import { strictBody } from './strict-body';

/** `?runs=1,3` → run ids; a token that is not a run id is a 400 naming it. */
export function parseRunIds(raw: string): number[] {
  const tokens = raw.split(',').map((token) => token.trim());
  const bad = tokens.filter((token) => !/^[1-9]\d{0,15}$/.test(token));
  if (bad.length > 0 || tokens.length === 0) {
    const named = bad.slice(0, 5).map((token) => `"${token.slice(0, 20)}"`).join(', ');
    throw new AppError(400, 'invalid_query', `"runs" must be run ids separated by commas; not a run id: ${named}`);
  }
  return [...new Set(tokens.map(Number))];
}

function parseRunParam(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new AppError(400, 'invalid_query', '"run" must be a run id');
  return Number(raw);
}

function parseFormat(raw: string | undefined): GradebookFormat {
  if (raw === undefined) return 'plain';
  if ((GRADEBOOK_FORMATS as readonly string[]).includes(raw)) return raw as GradebookFormat;
  throw new AppError(400, 'invalid_query', `"format" must be one of ${GRADEBOOK_FORMATS.join(', ')}`);
}

const FILE_NAMES: Record<GradebookFormat, string> = {
  plain: 'gradebook.csv',
  moodle: 'gradebook-moodle.csv',
  canvas: 'gradebook-canvas.csv',
};

export function runsRoutes(deps: AppDeps) {
  const { controller, pastRuns, archive, store, instructor, config } = deps;

  const runIdParam = (raw: string) => {
    if (!/^[1-9]\d{0,15}$/.test(raw)) throw new AppError(404, 'run_not_found', 'there is no such run');
    return Number(raw);
  };

  return new Elysia({ name: 'runs-routes' })
    .onBeforeHandle(({ request }) => {
      if (request.method === 'POST') assertAllowedOrigin(request, config);
    })
    .resolve(({ cookie }) => ({
      signIn: instructor.assertInstructor(readJarValue(cookie, deps.cookieNames.acceptedNames('admin'))),
    }))
    .get('/admin/api/runs', () => pastRuns.list())
    .get('/admin/api/runs/:run_id/results', ({ params }): RunResults => {
      const runId = runIdParam(params.run_id);
      const summary = pastRuns.find(runId);
      if (!summary) throw new AppError(404, 'run_not_found', `no run ${runId}`);
      controller.flushAnswers();
      const standings = standingsOf(store.listStudents(runId), store.listAnswers(runId));
      return {
        run_id: runId,
        title: summary.title,
        students: standings.map(({ student, total, rank }) => ({ student_id: student.studentId, name: student.name, score: total, rank })),
      };
    })
    .post(
      '/admin/api/runs/:run_id/rename',
      ({ params, body }) => unwrapOutcome(pastRuns.rename(runIdParam(params.run_id), strictBody(RenameRunBody, body).title)).run,
      { parse: 'json' },
    )
    .post(
      '/admin/api/runs/:run_id/delete',
      ({ params, body }) => {
        const runId = runIdParam(params.run_id);
        const { deleted } = unwrapOutcome(pastRuns.remove(runId, strictBody(DeleteRunBody, body).confirm_title));
        return { run_id: runId, deleted };
      },
      { parse: 'json' },
    )
    .get('/admin/api/gradebook.csv', ({ query }) => {
      const format = parseFormat(query.format);
      const all = pastRuns.list();
      const chosen = query.runs === undefined ? all.map((run) => run.run_id) : parseRunIds(query.runs);
      const known = new Map(all.map((run) => [run.run_id, run]));
      const unknown = chosen.filter((runId) => !known.has(runId));
      if (unknown.length > 0) {
        throw new AppError(404, 'run_not_found', `no run ${unknown.join(', ')}`, { unknown_runs: unknown });
      }
      controller.flushAnswers();
      const runs = chosen.map((runId) => {
        const run = known.get(runId)!;
        return { runId, title: run.title, pointsPossible: run.points_possible };
      });
      const book = buildGradebook(runs, archive.listRunScores(chosen), deps.classList());
      return csvDownload(gradebookCsv(book, format), FILE_NAMES[format]);
    })
    .get('/admin/api/analytics', ({ query }): RunAnalytics => {
      const runId = parseRunParam(query.run, controller.runId);
      const summary = pastRuns.find(runId);
      const record = summary && store.loadRun(runId);
      if (!summary || !record) throw new AppError(404, 'run_not_found', `no run ${runId}`);
      controller.flushAnswers();
      const answers = store.listAnswers(runId);
      return {
        run_id: runId,
        title: summary.title,
        students: summary.students,
        questions: computeRunAnalytics(readStoredPool(record.poolJson), answers, archive.listQuestionOpens(runId)),
      };
    });
}
