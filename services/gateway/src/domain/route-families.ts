/**
 * The public API's routes grouped by what a burst of them costs and risks, each with its own rate
 * limit per client address (ADR 70): reads are cheap and cached; a hold takes a slot for
 * minutes and sends a message; booking steps (and a reminder's opt-out) carry link tokens, which
 * must not be guessed at.
 */
export const routeFamilies = ['reads', 'holds', 'bookingSteps'] as const;
export type RouteFamily = (typeof routeFamilies)[number];

/** The family of a path below `/api/v1`; anything the API does not have counts as a read. */
export function routeFamilyOf(path: string): RouteFamily {
  // Joining the waiting list sends a message, as a hold does; its link steps carry tokens.
  if (path === '/holds' || path.startsWith('/holds/') || path === '/waitlist') return 'holds';
  if (path === '/bookings' || path.startsWith('/bookings/') || path.startsWith('/waitlist/')) return 'bookingSteps';
  if (path === '/reminders' || path.startsWith('/reminders/')) return 'bookingSteps';
  return 'reads';
}
