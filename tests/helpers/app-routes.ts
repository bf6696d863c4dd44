/** Every HTTP route the app registers, read from the app itself (handlers are never run). */
import { createApp } from '../../src/app';
import type { AppDeps } from '../../src/http/deps';
import { cookieNaming } from '../../src/identity/cookie-names';

export function appRoutes(): Array<{ method: string; path: string }> {
  const app = createApp({
    config: { publicUrl: null },
    clock: { now: () => 0 },
    signingKey: 'k'.repeat(40),
    cookieNames: cookieNaming(false),
  } as unknown as AppDeps);
  return app.routes.map(({ method, path }) => ({ method, path }));
}
