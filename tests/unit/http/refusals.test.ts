import { describe, expect, test } from 'bun:test';
import { AppError } from '../../../src/errors';
import { unwrapOutcome } from '../../../src/http/refusals';
import { SESSION_REFUSALS, type SessionRefusal } from '../../../src/protocol/constants';
import { refuse, type Outcome } from '../../../src/session/outcome';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('unwrapOutcome', () => {
  test('an ok outcome passes its value through', () => {
    const outcome: Outcome<{ runId: number }> = { ok: true, runId: 7 };
    expect(unwrapOutcome(outcome)).toBe(outcome);
    expect(unwrapOutcome(outcome).runId).toBe(7);
  });

  test.each([
    ['invalid_command', 409],
    ['wrong_phase', 409],
    ['student_id_taken', 409],
    ['student_not_found', 404],
    ['storage_error', 503],
  ] as [SessionRefusal, number][])('%s throws an AppError with status %d and the session’s message', async (code, status) => {
    const message = `the session says: ${code}`;
    const error = thrownBy(() => unwrapOutcome(refuse(code, message)));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status, code, message });
    const response = (error as AppError).toResponse();
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: code, message });
  });

  test('every refusal the session can give has a status: the client’s fault is 4xx, a failed write 503 (try again)', () => {
    for (const code of SESSION_REFUSALS) {
      const error = thrownBy(() => unwrapOutcome(refuse(code, 'm'))) as AppError;
      if (code === 'storage_error') expect(error.status).toBe(503);
      else {
        expect(error.status).toBeGreaterThanOrEqual(400);
        expect(error.status).toBeLessThan(500);
      }
    }
  });
});
