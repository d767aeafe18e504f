import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '@otk/contracts';

/** A confirm token confirms or withdraws a hold (D2); a manage token shows, changes or cancels a booking (F9). */
export type TokenPurpose = 'confirm' | 'manage';

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

/**
 * A token is only good for its own purpose. The answer for a wrong purpose is the same as for an
 * unknown token, so a link reveals nothing about other bookings or steps.
 */
export function assertPurpose(
  token: { purpose: TokenPurpose } | undefined,
  purpose: TokenPurpose,
): asserts token is { purpose: TokenPurpose } {
  if (!token || token.purpose !== purpose) throw new AppError('TOKEN_INVALID', 'this link is not valid');
}
