/**
 * Elysia's body validation drops properties its schema does not list, so `{ "qa": true,
 * "pulze": true }` would pass as `{ "qa": true }`. Bodies where a typo must not pass
 * silently are checked here instead, against the whole value as sent.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppError, describeValidationFailure } from '../errors';

export function strictBody<Schema extends TSchema>(
  schema: Schema,
  body: unknown,
  /** Said when the object as a whole does not fit (no known key, an unknown one). */
  shapeMessage = 'the body must hold at least one known setting and nothing else',
): Static<Schema> {
  if (Value.Check(schema, body)) return body;
  const first = Value.Errors(schema, body).First();
  const unknownKey = first?.path === '' && body !== null && typeof body === 'object' && !Array.isArray(body);
  const message = unknownKey ? shapeMessage : describeValidationFailure(first?.path);
  throw new AppError(400, 'invalid_body', message);
}
