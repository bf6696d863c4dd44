/** HTTP request bodies and the one error body every failed request answers with. */
import { Type as t, type Static } from '@sinclair/typebox';
import { MAX_ID_LENGTH, MAX_NAME_LENGTH } from './constants';

export const JoinBody = t.Object({
  student_id: t.String({ minLength: 1, maxLength: MAX_ID_LENGTH }),
  name: t.String({ minLength: 1, maxLength: MAX_NAME_LENGTH }),
});
export type JoinBody = Static<typeof JoinBody>;

export const LoginBody = t.Object({ password: t.String({ maxLength: 1024 }) });

export const StudentIdBody = t.Object({ student_id: t.String({ minLength: 1, maxLength: MAX_ID_LENGTH }) });

export const ErrorBody = t.Object(
  { error: t.String({ pattern: '^[a-z_]+$' }), message: t.String() },
  { additionalProperties: true },
);
export type ErrorBody = Static<typeof ErrorBody> & Record<string, unknown>;

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: code, message, ...extra };
}
