/**
 * createApp(deps): the HTTP application. One error mapping for every route, then each
 * route group (the body-size limit is applied before this app, in http/body-limit.ts). WebSocket upgrades are handled before this app (see
 * realtime/sockets.ts) so that sockets carry only their identity.
 */
import { Elysia } from 'elysia';
import { AppError, describeValidationFailure, errorBody } from './errors';
import { adminRoutes } from './http/admin-routes';
import { cookieConfig, type AppDeps } from './http/deps';
import { pageRoutes } from './http/pages';
import { publicRoutes } from './http/public-routes';
import { ADMIN_COOKIE, clearedCookie, STUDENT_COOKIE } from './identity/cookies';

function jsonError(status: number, body: object, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

export function createApp(deps: AppDeps) {
  const { logger } = deps;
  return new Elysia({ name: 'quiz-app', cookie: cookieConfig(deps) })
    .onError({ as: 'global' }, ({ code, error, request }) => {
      if (error instanceof AppError) {
        return jsonError(error.status, errorBody(error.code, error.message, error.extra), error.headers);
      }
      switch (code) {
        case 'VALIDATION': {
          const path = (error as { valueError?: { path?: string } }).valueError?.path;
          return jsonError(400, errorBody('invalid_body', describeValidationFailure(path)));
        }
        case 'PARSE':
          return jsonError(400, errorBody('invalid_json', 'the body is not valid JSON'));
        case 'NOT_FOUND':
          return jsonError(404, errorBody('not_found', 'no such route'));
        case 'INVALID_COOKIE_SIGNATURE': {
          // A forged or altered cookie is refused and removed, so the browser can start over.
          const cookieName = (error as { key?: string }).key === ADMIN_COOKIE ? ADMIN_COOKIE : STUDENT_COOKIE;
          return jsonError(401, errorBody('invalid_cookie', 'this cookie is not valid; sign in or join again'), {
            'set-cookie': clearedCookie(cookieName),
          });
        }
      }
      const requestId = crypto.randomUUID();
      logger.error('request_failed', {
        request_id: requestId,
        method: request.method,
        path: new URL(request.url).pathname,
        code: String(code),
        error: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
      return jsonError(500, errorBody('internal_error', 'something went wrong on the server', { request_id: requestId }), {
        'x-request-id': requestId,
      });
    })
    .use(publicRoutes(deps))
    .use(adminRoutes(deps))
    .use(pageRoutes(deps));
}
