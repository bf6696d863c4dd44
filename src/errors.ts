/**
 * The one HTTP error type and the one mapping from anything thrown to the contract's
 * `{ error, message }` body. Expected failures are AppErrors; anything else is logged with
 * its request id and leaves as a bare 500, never as a stack trace or schema dump.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  [key: string]: unknown;
}

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: code, message, ...extra };
}

/** A short, human reading of a body validation failure, naming the field but not the schema. */
export function describeValidationFailure(path: string | undefined): string {
  const field = path?.replace(/^\//, '').replaceAll('/', '.');
  return field ? `"${field}" is missing or has the wrong type or length` : 'the request body has the wrong shape';
}
