/** deploy/bootstrap.sh for the deploy tests: where it is, a test domain, and a clean environment for it. */
import { join } from 'node:path';
import { REPO } from './run-command';

export const BOOTSTRAP = join(REPO, 'deploy', 'bootstrap.sh');
export const DOMAIN = 'quiz.example.org';

/** An environment without the variables the bootstrap script reads, plus `extra`. */
export function bootstrapEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (['DOMAIN', 'REPO_URL', 'REPO_REF', 'ADMIN_PASSWORD', 'ACME_EMAIL', 'ROOT', 'BUN_BIN', 'QUIZ_OS_RELEASE', 'TLS_MODE', 'HTTPS_PORT', 'HTTP_PORT', 'APP_PORT', 'COURSE_PORT_BASE', 'QUIZ_TEST_TLS'].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
