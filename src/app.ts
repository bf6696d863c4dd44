/**
 * createApp(deps): the HTTP application. One error mapping for every route, then each
 * route group. The body-size limit is applied before this app (http/body-limit.ts), and
 * WebSocket upgrades are handled before it too (realtime/sockets.ts), so that sockets
 * carry only their identity.
 */
import { Elysia } from 'elysia';
import { AppError, describeValidationFailure } from './errors';
import { adminRoutes } from './http/admin-routes';
import { backChannelRoutes } from './http/back-channel-routes';
import { bankRoutes } from './http/bank-routes';
import { cookieConfig, type AppDeps } from './http/deps';
import { mediaRoutes } from './http/media-routes';
import { pageRoutes } from './http/pages';
import { publicRoutes } from './http/public-routes';
import { clearedCookie } from './identity/cookies';
import { SIGNED_COOKIE_NAMES } from './identity/cookie-names';
import { STUDENT_COOKIE } from './protocol/constants';

export function createApp(deps: AppDeps) {
  const { logger } = deps;
  return new Elysia({ name: 'quiz-app', cookie: cookieConfig(deps) })
    .onError({ as: 'global' }, ({ code, error, request }) => {
      if (error instanceof AppError) return error.toResponse();
      switch (code) {
        case 'VALIDATION': {
          const path = (error as { valueError?: { path?: string } }).valueError?.path;
          return new AppError(400, 'invalid_body', describeValidationFailure(path)).toResponse();
        }
        case 'PARSE':
          return new AppError(400, 'invalid_json', 'the body is not valid JSON').toResponse();
        case 'NOT_FOUND':
          return new AppError(404, 'not_found', 'no such route').toResponse();
        case 'INVALID_COOKIE_SIGNATURE': {
          // A forged or altered cookie is refused and removed, so the browser can start over.
          const key = (error as { key?: string }).key;
          const cookieName = key && SIGNED_COOKIE_NAMES.includes(key) ? key : STUDENT_COOKIE;
          return new AppError(401, 'invalid_cookie', 'this cookie is not valid; sign in or join again', {}, {
            'set-cookie': clearedCookie(cookieName),
          }).toResponse();
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
      return new AppError(500, 'internal_error', 'something went wrong on the server', { request_id: requestId }, {
        'x-request-id': requestId,
      }).toResponse();
    })
    .use(publicRoutes(deps))
    .use(adminRoutes(deps))
    .use(backChannelRoutes(deps))
    .use(bankRoutes(deps))
    .use(mediaRoutes(deps))
    .use(pageRoutes(deps));
}
