/** The one shape every session operation answers in: a value, or a refusal with a code. */
import type { SessionRefusal } from '../protocol/constants';

export type Outcome<Value extends object = object> =
  | ({ ok: true } & Value)
  | { ok: false; code: SessionRefusal; message: string };

export const refuse = (code: SessionRefusal, message: string) => ({ ok: false, code, message }) as const;
