import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

// TOTP (RFC 6238, 30 s, 6 digits, SHA-1: what authenticator apps expect) through otplib,
// the enrolment QR code as a data: URL image (no script needed), and recovery codes that
// are stored only as SHA-256 hashes (they are long random strings, so a fast hash is enough).

const ISSUER = 'Stock';
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, accountEmail: string): string {
  return generateURI({ issuer: ISSUER, label: accountEmail, secret });
}

export async function totpQrDataUrl(secret: string, accountEmail: string): Promise<string> {
  return QRCode.toDataURL(totpUri(secret, accountEmail), { errorCorrectionLevel: 'M', margin: 2, width: 220 });
}

/**
 * A 6-digit code from the app; one period either side is accepted for clock drift. Returns
 * the RFC 6238 time step the code belongs to, or undefined when it is wrong or belongs to
 * `afterTimeStep` or earlier (a code already used: no replay within its window).
 */
export async function verifyTotp(secret: string, code: string, afterTimeStep?: number | null): Promise<number | undefined> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  try {
    const result = await verify({ secret, token, epochTolerance: 30, ...(afterTimeStep != null && { afterTimeStep }) });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  } catch {
    return undefined;
  }
}

export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    const chars = Array.from(bytes, (b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export function normaliseRecoveryCode(code: string): string {
  return code
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');
}

/** Index of the matching hash, or -1. */
export function findRecoveryCode(hashes: string[], code: string): number {
  const candidate = Buffer.from(hashRecoveryCode(code), 'hex');
  return hashes.findIndex((h) => {
    const stored = Buffer.from(h, 'hex');
    return stored.length === candidate.length && timingSafeEqual(stored, candidate);
  });
}
