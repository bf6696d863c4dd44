import { expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, requireTool, run } from '../helpers/run-command';

const deployDir = join(REPO, 'deploy');
/** Every shell script in deploy/: *.sh, or anything with a sh/bash shebang. */
const scripts = readdirSync(deployDir)
  .map((name) => join(deployDir, name))
  .filter((path) => path.endsWith('.sh') || /^#!.*\b(ba)?sh\b/.test(readFileSync(path, 'utf8').split('\n', 1)[0] ?? ''));

test('deploy/ has shell scripts to check', () => {
  expect(scripts.map((path) => path.slice(deployDir.length + 1))).toContain('bootstrap.sh');
});

for (const script of scripts) {
  test(`shellcheck is clean: deploy/${script.slice(deployDir.length + 1)}`, () => {
    const shellcheck = requireTool('shellcheck');
    const result = run([shellcheck, '--severity=style', '--external-sources', script]);
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.code).toBe(0);
  });
}

// The deploy test's own scripts and the CI entry point, checked the same way.
for (const path of [join(REPO, 'tests/deploy/systemd/prepare-root.sh'), join(REPO, '.ci/run')]) {
  test(`shellcheck is clean: ${path.slice(REPO.length + 1)}`, () => {
    const result = run([requireTool('shellcheck'), '--severity=style', path]);
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.code).toBe(0);
  });
}

test('bootstrap.sh uses strict mode and runs nothing until it has arrived whole', () => {
  const text = readFileSync(join(deployDir, 'bootstrap.sh'), 'utf8');
  expect(text).toContain('\nset -euo pipefail\n');
  // Under `curl | bash` a cut-off download must not run half a script.
  expect(text.trimEnd().split('\n').at(-1)).toBe('main "$@"');
});
