/**
 * "Your results this term" on a phone: `GET /api/my-term` answers the asking student's
 * own runs and scores, found by their student id, and nobody else's. Only with the
 * instructor's `term_results` setting on, and only once the current run has ended
 * (during a run the scores so far would tell neighbours who is right).
 */
import { Elysia } from 'elysia';
import { AppError } from '../errors';
import { asStudentClaim, readJarValue } from '../identity/cookies';
import type { TermResults } from '../protocol/runs';
import type { AppDeps } from './deps';
import { notHonoured } from './public-routes';

export function termRoutes(deps: AppDeps) {
  const { controller, pastRuns, archive } = deps;
  const studentCookieNames = deps.cookieNames.acceptedNames('student');

  return new Elysia({ name: 'term-routes' }).get('/api/my-term', ({ cookie }): TermResults => {
    const entry = controller.authenticate(asStudentClaim(readJarValue(cookie, studentCookieNames)));
    if (!entry) throw notHonoured(deps.cookieNames);
    if (!controller.settings.term_results) {
      throw new AppError(403, 'term_results_off', 'your instructor has not turned on term results');
    }
    if (controller.state.phase !== 'ended') {
      throw new AppError(403, 'not_ended', 'term results are shown once this quiz has ended');
    }
    controller.flushAnswers();
    const runs = new Map(pastRuns.list().map((run) => [run.run_id, run]));
    const attended = archive
      .listStudentRunScores(entry.studentId)
      .filter((row) => runs.has(row.runId))
      .map((row) => {
        const run = runs.get(row.runId)!;
        return { run_id: row.runId, title: run.title, started_at: run.started_at, score: row.score, points_possible: run.points_possible };
      });
    return { student_id: entry.studentId, runs: attended, total: attended.reduce((sum, run) => sum + run.score, 0) };
  });
}
