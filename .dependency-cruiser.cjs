/**
 * The import rule: imports run one way,
 *   main → server → (app/http, realtime) → (identity, results, banks) → session → (pool) → protocol
 * and server → tls (certificates, listeners: an edge that knows only Bun, node and errors.ts);
 * and db/ is an adapter that implements the ports of session/, identity/, pool/ and banks/ (server wires it in).
 * `bun run lint:imports` checks it; CI fails on any violation.
 */
const layer = (folders) => `^src/(${folders.join('|')})(/|\\.ts$)`;

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'protocol-imports-nothing',
      comment: 'The wire protocol is the bottom layer: it imports nothing else from src/.',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { path: '^src/', pathNot: '^src/protocol/' },
    },
    {
      name: 'session-is-the-domain',
      comment: 'The session knows only the protocol, the pool rules and the logger; storage comes through its ports.',
      severity: 'error',
      from: { path: layer(['session', 'pool', 'banks']) },
      to: { path: layer(['db', 'http', 'realtime', 'identity', 'results', 'app', 'server', 'main', 'config', 'errors']) },
    },
    {
      name: 'db-is-an-adapter',
      comment: 'The SQLite stores implement the ports of session/, identity/ and pool/; db never reaches up into transports.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: layer(['http', 'realtime', 'identity', 'results', 'app', 'server', 'main']), pathNot: '^src/identity/ports\\.ts$' },
    },
    {
      name: 'identity-and-results-below-transports',
      severity: 'error',
      from: { path: layer(['identity', 'results']) },
      to: { path: layer(['http', 'realtime', 'app', 'server', 'main', 'db']) },
    },
    {
      name: 'transports-do-not-cross',
      comment: 'HTTP and sockets are siblings: neither imports the other, nor the database.',
      severity: 'error',
      from: { path: layer(['http', 'app']) },
      to: { path: layer(['realtime', 'db', 'server', 'main']) },
    },
    {
      name: 'sockets-do-not-cross',
      severity: 'error',
      from: { path: '^src/realtime/' },
      to: { path: layer(['http', 'app', 'db', 'server', 'main']) },
    },
    {
      name: 'tls-is-an-edge',
      comment: 'Certificates and listeners know Bun and the file system, not the quiz.',
      severity: 'error',
      from: { path: '^src/tls/' },
      to: { path: layer(['session', 'pool', 'db', 'http', 'realtime', 'identity', 'results', 'app', 'server', 'main', 'config']) },
    },
    {
      name: 'only-main-boots',
      comment: 'server.ts is the composition root; only main.ts starts it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main\\.ts$' },
      to: { path: '^src/(main|server)\\.ts$' },
    },
  ],
  options: {
    // TypeScript 7's compiler has no JS API; swc parses the sources instead.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|tests|bench|scripts)/' },
  },
};
