/**
 * The three pages and their assets. Pages are plain files under `public/`; the projector
 * screen needs the instructor's cookie.
 */
import { join } from 'node:path';
import { staticPlugin } from '@elysiajs/static';
import { Elysia } from 'elysia';
import { readJarValue } from '../identity/cookies';
import { PAGE_CONSTANTS_PATH, pageConstantsModule } from '../protocol/page-constants';
import type { AppDeps } from './deps';

export const PUBLIC_DIR = join(import.meta.dir, '../../public');

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
};

const SCRIPT_HEADERS = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' };

function page(file: string): Response {
  return new Response(Bun.file(join(PUBLIC_DIR, file)), { headers: PAGE_HEADERS });
}

export function pageRoutes(deps: AppDeps) {
  const constantsModule = pageConstantsModule();
  return new Elysia({ name: 'pages' })
    .get(PAGE_CONSTANTS_PATH, () => new Response(constantsModule, { headers: SCRIPT_HEADERS }))
    .use(staticPlugin({ assets: PUBLIC_DIR, prefix: '/static', alwaysStatic: false, silent: true }))
    .get('/', () => page('student.html'))
    // Elysia matches "/admin" and "/admin/" as one route: send the bare form to the
    // canonical one so relative links and bookmarks agree.
    .get('/admin/', ({ request, redirect }) =>
      new URL(request.url).pathname === '/admin' ? redirect('/admin/', 302) : page('admin.html'),
    )
    .get('/screen', ({ cookie }) => {
      deps.instructor.assertInstructor(readJarValue(cookie, deps.cookieNames.acceptedNames('admin')));
      return page('screen.html');
    });
}
