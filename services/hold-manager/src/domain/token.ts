import { createHash, randomBytes } from 'node:crypto';

/**
 * A link token: 256 random bits for the patient's link, and the hash we keep. The database never
 * holds a usable token, so a leaked table cannot confirm or cancel anything.
 */
export function newToken(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: hashToken(value) };
}

export function hashToken(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
