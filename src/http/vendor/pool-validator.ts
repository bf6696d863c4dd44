/**
 * The server's pool validator for the console's editor: src/pool/pool.ts itself, bundled,
 * so the editor checks a question with the very rules and messages the server applies on
 * save. One validator, two places it runs.
 */
export { validatePool } from '../../pool/pool';
