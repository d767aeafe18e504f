import { AppError, type BookingStatus, type Channel, type Occupant, type Patient } from '@otk/contracts';

export interface PracticeSettings {
  /** A1: how long a provisional request holds its slot. */
  confirmationWindowSeconds: number;
  /** A3: until how long before the start the patient may change or cancel online. */
  cancellationDeadlineSeconds: number;
  /** D4: open provisional requests per e-mail address or phone number. */
  maxOpenHoldsPerContact: number;
  /** D4: open provisional requests per client address. */
  maxOpenHoldsPerClient: number;
}

/** What a patient may do with a booking; each step is allowed from some states only. */
export type BookingAction = 'confirm' | 'expire' | 'withdraw' | 'change' | 'cancel';

const transitions: Record<BookingAction, { from: BookingStatus; to: BookingStatus }> = {
  confirm: { from: 'held', to: 'confirmed' },
  expire: { from: 'held', to: 'expired' },
  withdraw: { from: 'held', to: 'withdrawn' },
  change: { from: 'confirmed', to: 'confirmed' },
  cancel: { from: 'confirmed', to: 'cancelled' },
};

/**
 * The booking state machine: held → confirmed | expired | withdrawn, confirmed → cancelled, and a
 * confirmed booking may change its slot. Anything else is refused with ILLEGAL_TRANSITION.
 */
export function nextStatus(current: BookingStatus, action: BookingAction): BookingStatus {
  const transition = transitions[action];
  if (transition.from !== current) {
    throw new AppError('ILLEGAL_TRANSITION', `a ${current} booking cannot be ${pastTense[action]}`, {
      status: current,
    });
  }
  return transition.to;
}

const pastTense: Record<BookingAction, string> = {
  confirm: 'confirmed',
  expire: 'expired',
  withdraw: 'withdrawn',
  change: 'changed',
  cancel: 'cancelled',
};

/** The moment an unconfirmed hold lapses and frees its slot (D3). */
export function holdExpiresAt(now: Date, settings: Pick<PracticeSettings, 'confirmationWindowSeconds'>): Date {
  return new Date(now.getTime() + settings.confirmationWindowSeconds * 1000);
}

/** A hold is overdue from its deadline on, to the millisecond, whether or not it was marked expired yet. */
export function isOverdue(expiresAt: Date, now: Date): boolean {
  return expiresAt.getTime() <= now.getTime();
}

/** Until when the patient may change or cancel online (A3). */
export function changeableUntil(start: Date, settings: Pick<PracticeSettings, 'cancellationDeadlineSeconds'>): Date {
  return new Date(start.getTime() - settings.cancellationDeadlineSeconds * 1000);
}

/** Change and cancel are refused after the cancellation deadline: the patient must call the practice. */
export function assertBeforeCancellationDeadline(changeableUntilAt: Date, now: Date): void {
  if (now.getTime() >= changeableUntilAt.getTime()) {
    throw new AppError('CANCELLATION_DEADLINE_PASSED', 'the booking can no longer be changed online', {
      changeableUntil: changeableUntilAt.toISOString(),
    });
  }
}

/** A slot must lie ahead; availability checks notice and horizon, this guards the clock edge. */
export function assertInFuture(start: Date, now: Date): void {
  if (start.getTime() <= now.getTime()) {
    throw new AppError('VALIDATION_FAILED', 'the appointment must start in the future');
  }
}

/** The contact the confirmation link goes to, normalised so that case tricks count as one contact. */
export function contactKey(channel: Channel, patient: Patient): string {
  const contact = channel === 'email' ? patient.email : patient.phone;
  if (!contact) throw new AppError('VALIDATION_FAILED', `the ${channel} channel needs a contact`);
  return `${channel}:${contact.trim().toLowerCase()}`;
}

/** Occupants as the database keys them: one row per practitioner or resource. */
export function occupantKey(occupant: Occupant): string {
  return `${occupant.kind}:${occupant.id}`;
}

/** Refuses a new hold beyond the practice's open-hold limits (D4). */
export function assertBelowHoldLimits(
  open: { contact: number; client: number },
  settings: Pick<PracticeSettings, 'maxOpenHoldsPerContact' | 'maxOpenHoldsPerClient'>,
): void {
  if (open.contact >= settings.maxOpenHoldsPerContact) {
    throw new AppError('TOO_MANY_OPEN_HOLDS', 'too many unconfirmed requests for this contact; confirm one first', {
      limit: settings.maxOpenHoldsPerContact,
      scope: 'contact',
    });
  }
  if (open.client >= settings.maxOpenHoldsPerClient) {
    throw new AppError('TOO_MANY_OPEN_HOLDS', 'too many unconfirmed requests from this address; confirm one first', {
      limit: settings.maxOpenHoldsPerClient,
      scope: 'client',
    });
  }
}

/** The refusal of a slot someone else has: the patient is offered others (alternatives) with it. */
export function slotTaken(): AppError {
  return new AppError('SLOT_TAKEN', 'this time is no longer free');
}

export function isSlotTaken(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'SLOT_TAKEN';
}
