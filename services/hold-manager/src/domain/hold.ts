import { AppError } from '@otk/contracts';

export interface SlotRequest {
  start: Date;
  end: Date;
}

/** A hold is only possible for a slot that lies ahead and has a positive length. */
export function assertHoldable(slot: SlotRequest, now: Date): void {
  if (!(slot.end.getTime() > slot.start.getTime())) {
    throw new AppError('VALIDATION_FAILED', 'the appointment must end after it starts');
  }
  if (slot.start.getTime() <= now.getTime()) {
    throw new AppError('VALIDATION_FAILED', 'the appointment must start in the future');
  }
}

/** The moment an unconfirmed hold lapses and frees its slot (D3). */
export function holdExpiresAt(now: Date, confirmationWindowSeconds: number): Date {
  return new Date(now.getTime() + confirmationWindowSeconds * 1000);
}
