/**
 * The three pages and their assets. Pages are plain files under `public/`, served only at
 * `/`, `/admin/` and `/screen` (the projector screen needs the instructor's cookie); the
 * other files of `public/` are the assets under `/static/`.
 */
import { join } from 'node:path';
import { staticPlugin } from '@elysiajs/static';
import { Elysia } from 'elysia';
import { readJarValue } from '../identity/cookies';
import { PAGE_CONSTANTS_PATH, pageConstantsModule } from '../protocol/page-constants';
import type { AppDeps } from './deps';
import { vendorRoutes } from './vendor-routes';

export const PUBLIC_DIR = join(import.meta.dir, '../../public');

// The CSP and the other security headers are set on every response in one place
// (security-headers.ts, applied in server.ts).
const PAGE_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' };

const SCRIPT_HEADERS = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' };

/** Matched against the file's resolved path (`/…/public/admin.html`). */
const STATIC_HTML = /\.html?\/?$/i;
const DOTFILE = /\/\.[^/]*$/;

function page(file: string): Response {
  return new Response(Bun.file(join(PUBLIC_DIR, file)), { headers: PAGE_HEADERS });
}

export function pageRoutes(deps: AppDeps) {
  const constantsModule = pageConstantsModule();
  return new Elysia({ name: 'pages' })
    .get(PAGE_CONSTANTS_PATH, () => new Response(constantsModule, { headers: SCRIPT_HEADERS }))
    .use(vendorRoutes())
    .use(
      staticPlugin({
        assets: PUBLIC_DIR,
        prefix: '/static',
        alwaysStatic: false,
        silent: true,
        // The pages are served only by the routes below (their headers, the screen's
        // instructor check), never as files: an .html under /static/ is 404 like any
        // unknown route. Dotfiles are never served either.
        ignorePatterns: [STATIC_HTML, DOTFILE],
        // Assets may be cached, but are revalidated (ETag) on every use.
        maxAge: 0,
        directive: 'no-cache',
      }),
    )
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
