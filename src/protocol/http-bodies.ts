/** HTTP request bodies and the one error body every failed request answers with. */
import { Type as t, type Static } from '@sinclair/typebox';
import { JOIN_CODE_DIGITS, MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_REMOVE_IDS } from './constants';

export const JoinBody = t.Object({
  student_id: t.String({ minLength: 1, maxLength: MAX_ID_LENGTH }),
  /** Required unless a class list is loaded (then the listed name is used and this is ignored). */
  name: t.Optional(t.String({ minLength: 1, maxLength: MAX_NAME_LENGTH })),
  /** The join code on the projector, when the instructor turned it on. */
  code: t.Optional(t.String({ maxLength: 2 * JOIN_CODE_DIGITS })),
});
export type JoinBody = Static<typeof JoinBody>;

export const LoginBody = t.Object({ password: t.String({ maxLength: 1024 }) });

const StudentIdText = t.String({ minLength: 1, maxLength: MAX_ID_LENGTH });
export const StudentIdBody = t.Object({ student_id: StudentIdText });

/** `POST /admin/api/students/remove`: one id, or several removed together (one transaction, one broadcast). */
export const RemoveStudentsBody = t.Union([
  t.Object({ student_id: StudentIdText }, { additionalProperties: false }),
  t.Object({ student_ids: t.Array(StudentIdText, { minItems: 1, maxItems: MAX_REMOVE_IDS }) }, { additionalProperties: false }),
]);
export type RemoveStudentsBody = Static<typeof RemoveStudentsBody>;

/** One student of the class list, as `GET /admin/api/roster` lists it. */
export const ClassListEntry = t.Object({ student_id: t.String(), name: t.String(), joined: t.Boolean() });
export type ClassListEntry = Static<typeof ClassListEntry>;

/** A problem with an uploaded class list: the file line it is on (none for the file as a whole). */
export const ClassListProblem = t.Object({ line: t.Optional(t.Integer({ minimum: 1 })), message: t.String() });
export type ClassListProblem = Static<typeof ClassListProblem>;

/** `GET /api/join-form`: what the phone's join form must ask for. */
export const JoinForm = t.Object({
  /** A class list is loaded: only listed ids join, and the name comes from the list (the form asks for the id only). */
  roster: t.Boolean(),
  /** The join code is on: the form asks for the code on the projector. */
  join_code: t.Boolean(),
});
export type JoinForm = Static<typeof JoinForm>;

export const ErrorBody = t.Object(
  { error: t.String({ pattern: '^[a-z_]+$' }), message: t.String() },
  { additionalProperties: true },
);
export type ErrorBody = Static<typeof ErrorBody> & Record<string, unknown>;

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: code, message, ...extra };
}
