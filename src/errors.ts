/**
 * The one HTTP error type. An AppError builds its own Response, so a route, the body
 * limit and the socket upgrade all fail the same way: `{ error, message }` JSON with the
 * status and headers it names. Anything that is not an AppError is logged with a request
 * id and leaves as a bare 500 (app.ts), never as a stack trace or schema dump.
 */
import { errorBody } from './protocol/http-bodies';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** A list sends the header once per value (several Set-Cookie). */
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(message);
  }

  toResponse(): Response {
    const headers = new Headers({ 'content-type': 'application/json; charset=utf-8' });
    for (const [name, value] of Object.entries(this.headers)) {
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
    }
    return new Response(JSON.stringify(errorBody(this.code, this.message, this.extra)), { status: this.status, headers });
  }
}

/** A short, human reading of a body validation failure, naming the field but not the schema. */
export function describeValidationFailure(path: string | undefined): string {
  const field = path?.replace(/^\//, '').replaceAll('/', '.');
  return field ? `"${field}" is missing or has the wrong type or length` : 'the request body has the wrong shape';
}
