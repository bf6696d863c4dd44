/** Routes anyone may call: health, joining, "who am I", and the join QR code. */
import { Elysia } from 'elysia';
import QRCode from 'qrcode';
import { AppError } from '../errors';
import type { CookieNaming } from '../identity/cookie-names';
import { asStudentClaim, clearedCookie, readJarValue, STUDENT_COOKIE_MAX_AGE_S } from '../identity/cookies';
import { assertAllowedOrigin, publicBaseUrl } from '../identity/request-origin';
import { MAX_ID_LENGTH, MAX_NAME_LENGTH } from '../protocol/constants';
import { JoinBody, type JoinForm } from '../protocol/http-bodies';
import { checkDisplayName, checkStudentId, type PersonTextCheck } from '../protocol/person-text';
import { setOurCookie, type AppDeps } from './deps';
import { createJoinCodeCheck } from './join-code-check';
import { unwrapOutcome } from './refusals';

function cleanField(value: string, field: string, rule: (raw: string) => PersonTextCheck, maxLength: number): string {
  const checked = rule(value);
  if (!checked.ok) throw new AppError(400, 'invalid_body', `"${field}" ${checked.problem}`);
  // Normalising can lengthen a string ("ﷺ" is 18 characters in NFKC).
  if (checked.value.length > maxLength) throw new AppError(400, 'invalid_body', `"${field}" is longer than ${maxLength} characters`);
  return checked.value;
}

/** Refuses a cookie that is not honoured and clears it, so the same browser can join again. */
export const notHonoured = (naming: CookieNaming) =>
  new AppError(401, 'invalid_cookie', 'your session is no longer valid; join again', {}, {
    'set-cookie': naming.acceptedNames('student').map(clearedCookie),
  });

export function publicRoutes(deps: AppDeps) {
  const { controller, config } = deps;
  const studentCookieNames = deps.cookieNames.acceptedNames('student');
  const qrCache = new Map<string, string>();
  const checkJoinCode = createJoinCodeCheck(deps);

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
      async ({ body, cookie, request }) => {
        // A page on another origin must not join (or rejoin) with this browser's cookie.
        assertAllowedOrigin(request, config);
        const studentId = cleanField(body.student_id, 'student_id', checkStudentId, MAX_ID_LENGTH);
        const name = body.name === undefined ? undefined : cleanField(body.name, 'name', checkDisplayName, MAX_NAME_LENGTH);
        const cookieValue = readJarValue(cookie, studentCookieNames);
        let claim = null;
        if (cookieValue !== undefined) {
          claim = asStudentClaim(cookieValue);
          if (!controller.authenticate(claim)) throw notHonoured(deps.cookieNames);
        }
        checkJoinCode(request, studentId, body.code);
        // With a class list the listed name is used; without one the name is needed.
        if (name === undefined && !controller.hasClassList) throw new AppError(400, 'invalid_body', '"name" is missing');
        const result = unwrapOutcome(await controller.join(studentId, name, claim));
        setOurCookie(cookie, deps.cookieNames, 'student', result.claim, STUDENT_COOKIE_MAX_AGE_S);
        return { student_id: result.entry.studentId, name: result.entry.name };
      },
      { body: JoinBody },
    )
    .get('/api/join-form', (): JoinForm => ({ roster: controller.hasClassList, join_code: controller.settings.join_code }))
    .get('/api/me', ({ cookie }) => {
      const entry = controller.authenticate(asStudentClaim(readJarValue(cookie, studentCookieNames)));
      if (!entry) throw notHonoured(deps.cookieNames);
      return { student_id: entry.studentId, name: entry.name, score: entry.score };
    })
    .get('/qr.svg', async ({ request, set }) => {
      const joinUrl = `${publicBaseUrl(request, config)}/`;
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
