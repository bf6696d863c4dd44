/**
 * The instructor's side of the back channel: moderate an ask (answered, hide), put one on
 * the projector, and export a run's asks and pulse timeline. Same guard as the admin
 * routes: an admin cookie for all, a same-origin request for every POST.
 */
import { Elysia } from 'elysia';
import { AppError } from '../errors';
import { readJarValue } from '../identity/cookies';
import { assertAllowedOrigin } from '../identity/request-origin';
import { buildAsksCsv, buildPulseCsv } from '../results/back-channel-csv';
import type { AppDeps } from './deps';
import { csvDownload, exportedRun } from './exports';
import { unwrapOutcome } from './refusals';

/** An ask id from the path; anything else names no ask. */
function askIdOf(raw: string): number {
  const id = /^[1-9][0-9]{0,14}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new AppError(404, 'ask_not_found', 'no ask with this id in the current run');
  return id;
}

export function backChannelRoutes(deps: AppDeps) {
  const { controller, store, config, instructor } = deps;

  /** The run named by `?run=` (default: the current one), with held votes and signals committed. */
  const runToExport = (requested: string | undefined) => {
    const runId = exportedRun(store, requested, controller.runId).id;
    controller.flushBackChannel();
    return runId;
  };

  return new Elysia({ name: 'back-channel-routes' })
    .onBeforeHandle(({ request }) => {
      if (request.method === 'POST') assertAllowedOrigin(request, config);
    })
    .resolve(({ cookie }) => ({
      signIn: instructor.assertInstructor(readJarValue(cookie, deps.cookieNames.acceptedNames('admin'))),
    }))
    .post('/admin/api/asks/:id/answered', ({ params }) => unwrapOutcome(controller.setAskState(askIdOf(params.id), 'answered')).ask)
    .post('/admin/api/asks/:id/hide', ({ params }) => unwrapOutcome(controller.setAskState(askIdOf(params.id), 'hidden')).ask)
    .post('/admin/api/asks/:id/show', ({ params }) => ({ shown_ask: unwrapOutcome(controller.showAsk(askIdOf(params.id))).shown_ask }))
    .post('/admin/api/asks/unshow', () => ({ shown_ask: unwrapOutcome(controller.showAsk(null)).shown_ask }))
    .get('/admin/api/asks.csv', ({ query }) => {
      const runId = runToExport(query.run);
      return csvDownload(buildAsksCsv(store.listAsks(runId), store.listAskVotes(runId)), `asks-run${runId}.csv`);
    })
    .get('/admin/api/pulse.csv', ({ query }) => {
      const runId = runToExport(query.run);
      return csvDownload(buildPulseCsv(store.listPulses(runId)), `pulse-run${runId}.csv`);
    });
}
