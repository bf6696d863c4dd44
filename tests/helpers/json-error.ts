/** The contract's JSON error responses: `{ error, message }` with an error status. */
import { expect } from 'bun:test';

/** Asserts the contract's error shape (with `code`, that exact error) and returns the body. */
export async function expectJsonError(response: Response, status: number, code?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type') ?? '').toContain('application/json');
  const body = await response.json();
  expect(typeof body.error).toBe('string');
  if (code !== undefined) expect(body.error).toBe(code);
  expect(typeof body.message).toBe('string');
  return body;
}
