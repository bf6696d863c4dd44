/** Entry point: read the environment, start the server, stop cleanly on SIGINT/SIGTERM. */
import { ConfigError, loadConfig } from './config';
import { PoolLoadError, startServer } from './server';
import { CertificateError } from './tls/certificate';
import { ListenError } from './tls/listeners';

try {
  const config = loadConfig(process.env);
  const server = await startServer(config);
  const shutdown = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // `systemctl reload quiz` (and certbot's deploy hook): swap the certificate, keep every socket.
  // Without this handler SIGHUP would end the process.
  process.on('SIGHUP', () => void server.reloadCertificate());
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error: ${error.message}\n`);
  } else if (error instanceof CertificateError) {
    process.stderr.write(`TLS configuration error: ${error.message}\n`);
  } else if (error instanceof ListenError) {
    process.stderr.write(`cannot listen: ${error.message}\n`);
  } else if (error instanceof PoolLoadError) {
    process.stderr.write(`${error.message}:\n`);
    for (const detail of error.details) process.stderr.write(`  ${detail.path}: ${detail.message}\n`);
  } else {
    process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}
