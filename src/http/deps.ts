/** What the HTTP route groups are given: nothing global, everything passed in. */
import type { Config } from '../config';
import type { QuizStore } from '../db/quiz-store';
import type { Logger } from '../logger';
import type { Clock } from '../session/ports';
import type { SessionController } from '../session/controller';
import type { RequestIp } from './request-origin';

export interface AppDeps {
  config: Config;
  controller: SessionController;
  store: QuizStore;
  logger: Logger;
  clock: Clock;
  signingKey: string;
  adminPasswordHash: string;
  requestIp: RequestIp;
  startedAt: number;
}

/**
 * Elysia reads cookie signing from the root app's config (plugins' own config is not used
 * when the root compiles their routes), so createApp passes this to the root instance.
 */
export function cookieConfig(deps: AppDeps) {
  return { secrets: deps.signingKey, sign: ['quiz_student', 'quiz_admin'] };
}

/** Cookies are Secure whenever the public URL is https (behind Caddy). */
export function cookieSecure(deps: AppDeps): boolean {
  return deps.config.publicUrl?.startsWith('https://') ?? false;
}
