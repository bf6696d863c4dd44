import { describe, expect, test } from 'bun:test';
import { AppError, describeValidationFailure } from '../../src/errors';

describe('AppError.toResponse', () => {
  test('status, JSON content type and body { error, message }', async () => {
    const response = new AppError(404, 'student_not_found', 'no such student').toResponse();
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ error: 'student_not_found', message: 'no such student' });
  });

  test('extra fields are merged into the body', async () => {
    const response = new AppError(429, 'too_many_attempts', 'slow down', { retry_after_s: 30 }).toResponse();
    expect(await response.json()).toEqual({ error: 'too_many_attempts', message: 'slow down', retry_after_s: 30 });
  });

  test('extra headers are sent, and the JSON content type stays', async () => {
    const response = new AppError(429, 'too_many_attempts', 'slow down', {}, { 'retry-after': '30' }).toResponse();
    expect(response.headers.get('retry-after')).toBe('30');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  test('each call builds a fresh response (a body can be read once)', async () => {
    const error = new AppError(409, 'wrong_phase', 'not now');
    expect(await error.toResponse().text()).toBe(await error.toResponse().text());
  });

  test('a message with quotes and unicode is escaped into valid JSON', async () => {
    const message = 'the "name" field \\ is ✓ too long';
    expect(await new AppError(400, 'invalid_body', message).toResponse().json()).toEqual({ error: 'invalid_body', message });
  });

  test('is an Error with the message, and carries status and code', () => {
    const error = new AppError(401, 'not_signed_in', 'sign in first');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('sign in first');
    expect(error.status).toBe(401);
    expect(error.code).toBe('not_signed_in');
  });
});

describe('describeValidationFailure', () => {
  test('names the field as a dotted path', () => {
    expect(describeValidationFailure('/questions/0/text')).toBe('"questions.0.text" is missing or has the wrong type or length');
  });

  test('without a path describes the body', () => {
    expect(describeValidationFailure(undefined)).toBe('the request body has the wrong shape');
    expect(describeValidationFailure('')).toBe('the request body has the wrong shape');
    expect(describeValidationFailure('/')).toBe('the request body has the wrong shape');
  });
});
