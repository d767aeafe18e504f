/**
 * How long hold-manager keeps what it knows about a patient (ADR 71). Pure: given the clock and
 * the periods, the instants before which data goes.
 */
export interface RetentionPeriods {
  /** An expired or withdrawn hold is kept this long after it ended, then erased. */
  endedHoldHours: number;
  /** A past or cancelled booking is kept this long after its end or cancellation, then erased. */
  bookingDays: number;
  /** A published event keeps its data (patient, link tokens) this long in the outbox. */
  publishedEventMinutes: number;
}

export interface RetentionCutoffs {
  endedHoldsBefore: Date;
  bookingsBefore: Date;
  publishedEventsBefore: Date;
}

const hour = 3600_000;

export function retentionCutoffs(now: Date, periods: RetentionPeriods): RetentionCutoffs {
  return {
    endedHoldsBefore: new Date(now.getTime() - periods.endedHoldHours * hour),
    bookingsBefore: new Date(now.getTime() - periods.bookingDays * 24 * hour),
    publishedEventsBefore: new Date(now.getTime() - periods.publishedEventMinutes * 60_000),
  };
}
