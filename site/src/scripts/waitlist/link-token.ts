/** The link token from the message, read from the address (…/waitlist/…?token=…). */
export const linkToken = new URL(location.href).searchParams.get('token') ?? '';

/** A token too short to be one of ours is not sent anywhere: the page answers "not valid" at once. */
export const plausibleToken = linkToken.length >= 22;

/** The codes that mean "this link leads nowhere": unknown, meant for another step, or malformed. */
export function isInvalidLink(code: string): boolean {
  return code === 'TOKEN_INVALID' || code === 'NOT_FOUND' || code === 'VALIDATION_FAILED';
}
