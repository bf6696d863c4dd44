/**
 * The certificate and key from QUIZ_TLS_CERT / QUIZ_TLS_KEY, read and checked before Bun
 * sees them, so that a bad pair is refused with a sentence a person can act on (which
 * file, and what is wrong with it) rather than a BoringSSL error code — at start-up, and
 * on SIGHUP, where the old pair then stays in service.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface CertificatePair {
  /** PEM text: the certificate, then any intermediates (certbot's fullchain.pem). */
  cert: string;
  key: string;
  /** SHA-256 fingerprint of the leaf certificate, as openssl prints it (AA:BB:…). */
  fingerprint256: string;
  subject: string;
  validTo: Date;
}

export class CertificateError extends Error {}

function readPem(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CertificateError(`${variable}: ${path} does not exist`);
    if (code === 'EACCES' || code === 'EPERM') throw new CertificateError(`${variable}: ${path} is not readable by this user (${code})`);
    if (code === 'EISDIR') throw new CertificateError(`${variable}: ${path} is a folder, not a PEM file`);
    throw new CertificateError(`${variable}: cannot read ${path} (${code ?? (error as Error).message})`);
  }
}

/** Reads both files and checks that they hold a certificate and the private key that belongs to it. */
export function readCertificatePair(paths: { certPath: string; keyPath: string }): CertificatePair {
  const cert = readPem('QUIZ_TLS_CERT', paths.certPath);
  const key = readPem('QUIZ_TLS_KEY', paths.keyPath);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new CertificateError(`QUIZ_TLS_CERT: ${paths.certPath} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new CertificateError(
      `QUIZ_TLS_KEY: ${paths.keyPath} holds no usable PEM private key ("-----BEGIN PRIVATE KEY-----"; a passphrase-protected key is not supported)`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new CertificateError(`QUIZ_TLS_KEY: ${paths.keyPath} is not the private key of the certificate in ${paths.certPath}`);
  }
  return { cert, key, fingerprint256: certificate.fingerprint256, subject: certificate.subject, validTo: new Date(certificate.validTo) };
}
