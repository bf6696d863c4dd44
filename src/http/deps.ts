/** What the HTTP route groups are given: nothing global, everything passed in. */
import type { Config } from '../config';
import type { InstructorCheck } from '../identity/instructor';
import type { RequestIp } from '../identity/request-origin';
import type { Logger } from '../logger';
import { ADMIN_COOKIE, STUDENT_COOKIE } from '../protocol/constants';
import type { SessionController } from '../session/controller';
import type { Clock, SessionStore } from '../session/ports';

export interface AppDeps {
  config: Config;
  controller: SessionController;
  store: SessionStore;
  logger: Logger;
  clock: Clock;
  signingKey: string;
  adminPasswordHash: string;
  instructor: InstructorCheck;
  requestIp: RequestIp;
  startedAt: number;
}

/**
 * Elysia reads cookie signing from the root app's config (plugins' own config is not used
 * when the root compiles their routes), so createApp passes this to the root instance.
 */
export function cookieConfig(deps: AppDeps) {
  return { secrets: deps.signingKey, sign: [STUDENT_COOKIE, ADMIN_COOKIE] };
}

/** Cookies are Secure whenever the public URL is https (behind Caddy). */
export function cookieSecure(deps: AppDeps): boolean {
  return deps.config.publicUrl?.startsWith('https://') ?? false;
}
