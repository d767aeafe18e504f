import argon2 from 'argon2';

/**
 * Argon2id with the OWASP-recommended floor (19 MiB, 2 passes, 1 lane). The parameters travel in
 * the PHC string, so raising them later still verifies older hashes.
 */
const options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

/** A hash of no one's password: an unknown e-mail costs as much time as a known one. */
let decoyHash: Promise<string> | undefined;

/** Whether `password` is the one behind `hash`; without a hash (unknown account) checks a decoy and says no. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (hash === undefined) {
    decoyHash ??= hashPassword('no account has this password');
    await argon2.verify(await decoyHash, password);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
