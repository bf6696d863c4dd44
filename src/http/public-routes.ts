/** Routes anyone may call: health, joining, "who am I", and the join QR code. */
import { Elysia } from 'elysia';
import QRCode from 'qrcode';
import { AppError } from '../errors';
import { asStudentClaim, clearedCookie, STUDENT_COOKIE_MAX_AGE_S } from '../identity/cookies';
import { publicBaseUrl } from '../identity/request-origin';
import { STUDENT_COOKIE } from '../protocol/constants';
import { JoinBody } from '../protocol/http-bodies';
import { cookieSecure, type AppDeps } from './deps';
import { unwrapOutcome } from './refusals';

// Control characters would corrupt logs, CSV rows and the projector.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function cleanField(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new AppError(400, 'invalid_body', `"${field}" must not be blank`);
  if (CONTROL_CHARACTERS.test(trimmed)) {
    throw new AppError(400, 'invalid_body', `"${field}" must not contain control characters`);
  }
  return trimmed;
}

/** Refuses a cookie that is not honoured and clears it, so the same browser can join again. */
export const notHonoured = () =>
  new AppError(401, 'invalid_cookie', 'your session is no longer valid; join again', {}, {
    'set-cookie': clearedCookie(STUDENT_COOKIE),
  });

export function publicRoutes(deps: AppDeps) {
  const { controller } = deps;
  const qrCache = new Map<string, string>();

  return new Elysia({ name: 'public-routes' })
    .get('/healthz', () => ({
      ok: true,
      phase: controller.state.phase,
      students: controller.studentsCount,
      connections: controller.connectionCounts(),
      uptime_s: Math.floor((deps.clock.now() - deps.startedAt) / 1000),
    }))
    .post(
      '/api/join',
      ({ body, cookie }) => {
        const studentId = cleanField(body.student_id, 'student_id');
        const name = cleanField(body.name, 'name');
        const studentCookie = cookie[STUDENT_COOKIE]!;
        let claim = null;
        if (studentCookie.value !== undefined) {
          claim = asStudentClaim(studentCookie.value);
          if (!controller.authenticate(claim)) throw notHonoured();
        }
        const result = unwrapOutcome(controller.join(studentId, name, claim));
        studentCookie.set({
          value: result.claim,
          httpOnly: true,
          sameSite: 'lax',
          path: '/',
          maxAge: STUDENT_COOKIE_MAX_AGE_S,
          secure: cookieSecure(deps),
        });
        return { student_id: result.entry.studentId, name: result.entry.name };
      },
      { body: JoinBody },
    )
    .get('/api/me', ({ cookie }) => {
      const entry = controller.authenticate(asStudentClaim(cookie[STUDENT_COOKIE]!.value));
      if (!entry) throw notHonoured();
      return { student_id: entry.studentId, name: entry.name, score: entry.score };
    })
    .get('/qr.svg', async ({ request, set }) => {
      const joinUrl = `${publicBaseUrl(request, deps.config.publicUrl, deps.config.trustProxy)}/`;
      let svg = qrCache.get(joinUrl);
      if (!svg) {
        svg = await QRCode.toString(joinUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
        if (qrCache.size > 16) qrCache.clear();
        qrCache.set(joinUrl, svg);
      }
      set.headers['content-type'] = 'image/svg+xml; charset=utf-8';
      set.headers['cache-control'] = 'no-cache';
      set.headers['x-join-url'] = joinUrl;
      return svg;
    });
}
