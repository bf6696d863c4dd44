/**
 * The instructor's HTTP API. Login is open (and rate-limited per client IP); everything
 * after the guard needs a valid admin cookie, and every POST a same-origin request.
 */
import { mkdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Elysia, t } from 'elysia';
import { AppError } from '../errors';
import { ADMIN_SESSION_MS } from '../identity/cookies';
import { createLoginFailureLimiter } from '../identity/login-rate-limit';
import { assertAllowedOrigin, clientIp } from '../identity/request-origin';
import { importPoolFile, storeBankMedia } from '../pool/pool-import';
import { readJarValue } from '../identity/cookies';
import { MAX_REMOVE_IDS, type AdminCommand } from '../protocol/constants';
import { LoginBody, RemoveStudentsBody, StudentIdBody } from '../protocol/http-bodies';
import { SettingsPatch } from '../protocol/settings';
import { checkStudentId } from '../protocol/person-text';
import type { Pool } from '../protocol/pool';
import { buildResultsCsv } from '../results/results-csv';
import { clearOurCookie, setOurCookie, type AppDeps } from './deps';
import { classListRoutes } from './class-list-routes';
import { csvDownload, exportedRun } from './exports';
import { strictBody } from './strict-body';
import { unwrapOutcome } from './refusals';

const REMOVE_BODY_SHAPE = `the body must be { "student_id": "…" } or { "student_ids": [1 to ${MAX_REMOVE_IDS} ids] }, and nothing else`;

export function adminRoutes(deps: AppDeps) {
  const { controller, store, config, clock, instructor } = deps;
  const loginLimiter = createLoginFailureLimiter();

  // Ids are stored in NFKC (protocol/person-text.ts): find the student as join would.
  const normalisedId = (requestedId: string) => {
    const normalised = checkStudentId(requestedId);
    return normalised.ok ? normalised.value : requestedId;
  };

  const releaseStudent = (requestedId: string) => {
    const studentId = normalisedId(requestedId);
    unwrapOutcome(controller.release(studentId));
    return { student_id: studentId, released: true };
  };

  /** One id: 404 if it is not a student of this run. Several: whoever is found goes, the rest are named (404 only if none is). */
  const removeStudents = (body: RemoveStudentsBody) => {
    const ids = 'student_ids' in body ? body.student_ids : [body.student_id];
    const { removed, notFound } = controller.removeStudents(ids.map(normalisedId));
    if (removed.length === 0) {
      throw new AppError(404, 'student_not_found', 'no student with this id in the current run', 'student_ids' in body ? { not_found: notFound } : {});
    }
    return 'student_ids' in body ? { removed, not_found: notFound } : { student_id: removed[0], removed: true };
  };

  const runCommand = (name: AdminCommand) => {
    unwrapOutcome(controller.command(name));
    return { ok: true, phase: controller.state.phase, question_idx: controller.adminSnapshot().question_idx };
  };

  return new Elysia({ name: 'admin-routes' })
    .onBeforeHandle(({ request }) => {
      if (request.method === 'POST' || request.method === 'DELETE') assertAllowedOrigin(request, config);
    })
    .post(
      '/admin/login',
      async ({ body, cookie, request }) => {
        const ip = clientIp(request, config.trustProxy, deps.requestIp);
        // The password is always checked: a correct one gets in even from a locked address.
        const verified = await instructor.verifyPassword(body.password);
        if (verified === 'busy') {
          throw new AppError(503, 'login_busy', 'too many sign-ins at once; try again in a second', {}, { 'retry-after': '1' });
        }
        if (!verified) {
          const failures = loginLimiter.recordFailure(ip, clock.now());
          deps.logger.warn('admin_login_failed', { ip, failures_in_window: failures });
          const retryAfterS = loginLimiter.retryAfterS(ip, clock.now());
          if (retryAfterS > 0) {
            throw new AppError(
              429,
              'too_many_attempts',
              `too many failed logins; try again in ${retryAfterS} s`,
              { retry_after_s: retryAfterS },
              { 'retry-after': String(retryAfterS) },
            );
          }
          throw new AppError(401, 'wrong_password', 'wrong password');
        }
        setOurCookie(cookie, deps.cookieNames, 'admin', instructor.signIn(), ADMIN_SESSION_MS / 1000);
        deps.logger.info('admin_login');
        return { ok: true };
      },
      { body: LoginBody },
    )
    .resolve(({ cookie }) => ({
      signIn: instructor.assertInstructor(readJarValue(cookie, deps.cookieNames.acceptedNames('admin'))),
    }))
    .post('/admin/logout', ({ cookie, signIn }) => {
      instructor.signOut(signIn);
      clearOurCookie(cookie, deps.cookieNames, 'admin');
      deps.logger.info('admin_logout');
      return { ok: true };
    })
    .post('/admin/logout-everywhere', ({ cookie }) => {
      instructor.signOutEverywhere();
      clearOurCookie(cookie, deps.cookieNames, 'admin');
      deps.logger.info('admin_logout_everywhere');
      return { ok: true };
    })
    .get('/admin/api/state', () => controller.adminSnapshot())
    .get('/admin/api/settings', () => controller.settings)
    // The projector asks for the next code when the countdown runs out (the snapshot is too large to poll).
    .get('/admin/api/join-code', () => controller.joinCode())
    .post(
      '/admin/api/settings',
      ({ body }) => {
        const patch = strictBody(SettingsPatch, body);
        const { settings } = unwrapOutcome(controller.updateSettings(patch));
        // A shorter retention takes effect at once, not at the next hourly check.
        if (patch.retention_days !== undefined) deps.retention.settingsChanged();
        return settings;
      },
      { parse: 'json' },
    )
    .post(
      '/admin/api/pool',
      async ({ body, query }) => {
        // Checked first, so a refused upload stores no image.
        unwrapOutcome(controller.canReplacePool());
        // Read as bytes whatever the content type says. `?filename=` names the format
        // (.gift, .txt, .xml, .csv, .xlsx, .zip, .json); without it a zip or workbook is
        // known by its bytes and anything else is pool JSON, as before formats existed.
        const filename = typeof query.filename === 'string' ? query.filename : '';
        const imported = await importPoolFile({ name: filename, bytes: new Uint8Array(body as ArrayBuffer) }, { oneBank: true });
        if (!imported.ok) {
          throw new AppError(400, 'invalid_pool', 'the pool was refused; nothing was changed', {
            details: imported.details,
          });
        }
        const [bank] = imported.banks;
        // The await above let other requests in: the phase may have moved on.
        unwrapOutcome(controller.canReplacePool());
        storeBankMedia(bank!, deps.media);
        // The upload becomes a bank of its own, and the one the next run plays.
        const created = deps.banks.create(bank!.pool);
        const played = deps.banks.play(created.id);
        if (!played.ok) throw new AppError(409, played.code, played.message);
        return { ok: true, title: bank!.pool.title, questions: bank!.pool.questions.length, format: imported.format };
      },
      { parse: 'arrayBuffer' },
    )
    .post('/admin/api/reset', () => ({ run_id: unwrapOutcome(controller.reset()).runId }))
    .post('/admin/api/next', () => runCommand('next'))
    .post('/admin/api/close', () => runCommand('close'))
    .post('/admin/api/end', () => runCommand('end'))
    .post('/admin/api/revote', () => runCommand('revote'))
    // The body form works for every id; the path form cannot name ids such as "." or "..",
    // which URL normalisation removes before routing.
    .post('/admin/api/students/release', ({ body }) => releaseStudent(body.student_id), { body: StudentIdBody })
    .post('/admin/api/students/:student_id/release', ({ params }) => releaseStudent(params.student_id))
    .post('/admin/api/students/remove', ({ body }) => removeStudents(strictBody(RemoveStudentsBody, body, REMOVE_BODY_SHAPE)), { parse: 'json' })
    .use(classListRoutes(deps))
    .get('/admin/api/results.csv', ({ query }) => {
      const run = exportedRun(store, query.run, controller.runId);
      controller.flushAnswers();
      const csv = buildResultsCsv(JSON.parse(run.poolJson) as Pool, store.listStudents(run.id), store.listAnswers(run.id));
      return csvDownload(csv, `results-run${run.id}.csv`);
    })
    .get('/admin/api/backup', () => {
      const backupPath = join(dirname(config.dbPath), `.backup-${crypto.randomUUID()}.db`);
      mkdirSync(dirname(backupPath), { recursive: true });
      controller.flushAnswers();
      store.backupTo(backupPath);
      deps.logger.info('backup_taken');
      const filename = `quiz-${new Date(clock.now()).toISOString().slice(0, 10)}.db`;
      return streamThenDelete(backupPath, filename);
    });
}

/** Streams a temporary file and removes it once sent (or abandoned). */
function streamThenDelete(path: string, filename: string): Response {
  const source = Bun.file(path).stream().getReader();
  const remove = () => {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await source.read();
      if (chunk.done) {
        controller.close();
        remove();
      } else controller.enqueue(chunk.value);
    },
    cancel() {
      void source.cancel();
      remove();
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'application/vnd.sqlite3',
      'content-disposition': `attachment; filename="${filename}"`,
    },
  });
}
