/**
 * Security finding 6: the ids "." and ".." could never be released. The console named the
 * id in the path (`POST /admin/api/students/:student_id/release`), and URL normalisation
 * removes such segments before routing, so a student who joined as ".." kept the id for
 * good. Releases now go through `POST /admin/api/students/release` with the id in the
 * JSON body, and the console's Release button uses that form.
 *
 * Found on the way: the cookie of an id that contains "%" (such as "%2e") was never
 * honoured — GET /api/me answered 401 right after the join — because Elysia decodes a
 * cookie value twice; such ids now travel base64url-encoded in the claim (roster.ts).
 */
import { describe, expect, test } from 'bun:test';
import { useBrowserSuite } from '../helpers/browser-suite';
import { makePool, type TestWorld } from '../helpers/test-server';

const WAIT_MS = 10_000;
const TEST_TIMEOUT_MS = 45_000;
const AWKWARD_IDS = ['.', '..', 'a/b', '%2e', '%', '~b64~JTJl'];

const suite = useBrowserSuite({ waitMs: WAIT_MS });

async function releasedIn(w: TestWorld, studentId: string): Promise<boolean | undefined> {
  const state = await (await w.http('/admin/api/state', { cookie: await w.adminLogin() })).json();
  return state.students.find((s: { student_id: string }) => s.student_id === studentId)?.released;
}

describe('finding 6: ids such as "." and ".." can be released', () => {
  test('over HTTP: each awkward id joins, and the body form releases it', async () => {
    const world = await suite.startWorld({ fakeTime: true, pool: makePool(1) });
    for (const studentId of AWKWARD_IDS) {
      const joined = await world.join(studentId, `Student ${studentId}`);
      expect(joined.response.status).toBe(200);
      expect((await world.http('/api/me', { cookie: joined.cookie })).status).toBe(200);
      // Held: another device cannot take it.
      expect((await world.join(studentId, 'Someone else')).response.status).toBe(409);

      const released = await world.adminPost('/admin/api/students/release', { student_id: studentId });
      expect(released.status).toBe(200);
      expect(await released.json()).toEqual({ student_id: studentId, released: true });
      expect(await releasedIn(world, studentId)).toBe(true);
      expect((await world.http('/api/me', { cookie: joined.cookie })).status).toBe(401);

      const again = await world.join(studentId, `Student ${studentId}, new phone`);
      expect(again.response.status).toBe(200);
      expect((await world.http('/api/me', { cookie: again.cookie })).status).toBe(200);
    }
  });

  // Regression: Elysia decodes cookie values twice, so a claim naming "%2e" came back as ".".
  test('the cookie of an id with "%" is honoured after the join', async () => {
    const world = await suite.startWorld({ fakeTime: true, pool: makePool(1) });
    const joined = await world.join('%2e');
    expect(joined.response.status).toBe(200);
    expect((await world.http('/api/me', { cookie: joined.cookie })).status).toBe(200);
  });

  test('over HTTP: the path form cannot name ".." (why the console must not use it)', async () => {
    const world = await suite.startWorld({ fakeTime: true, pool: makePool(1) });
    expect((await world.join('..')).response.status).toBe(200);
    const response = await world.adminPost('/admin/api/students/../release');
    expect(response.ok).toBe(false);
    expect(await releasedIn(world, '..')).toBe(false);
  });

  test(
    'in the console: the Release button of the student ".." releases it',
    async () => {
      const world = await suite.startWorld({ fakeTime: true, pool: makePool(1) });
      const student = await world.join('..', 'Dot Dot');
      expect(student.response.status).toBe(200);

      // Sign in through the form, as an instructor does.
      const page = await (await suite.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
      await page.goto(`${world.baseUrl}/admin/`);
      await page.fill('#password', 'test-admin-password');
      await page.click('[data-testid=login-submit]');
      await page.locator('[data-testid=phase]').waitFor({ state: 'visible' });

      const row = page.locator('[data-testid=roster] li[data-student-id=".."]');
      await row.waitFor({ state: 'visible' });
      await row.getByRole('button', { name: 'Release' }).click();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid=roster] li')].some(
          (li) => li.getAttribute('data-student-id') === '..' && li.getAttribute('data-status') === 'released',
        ),
      );
      expect(dialogs).toHaveLength(1);
      expect(dialogs[0]).toContain('(..)');
      expect(await releasedIn(world, '..')).toBe(true);
      expect((await world.http('/api/me', { cookie: student.cookie })).status).toBe(401);
      expect(await page.locator('#command-message').isVisible()).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});
