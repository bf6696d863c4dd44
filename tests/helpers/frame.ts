/** A server frame as the test clients hold it: a JSON object with a `type` (fields are checked per test). */
export type Frame = { type: string; [key: string]: any };
