import { type FieldName, type PatientEntries, emptyEntries } from './patient-form.js';
import type { Slot } from './slots.js';
import { type Answers, type StepName, dependentsOf, isReachable, reachableStep } from './steps.js';

/** The request that placed the hold, with what the sent view shows. */
export interface Hold {
  bookingId: string;
  expiresAt: string;
  slot: Slot;
  contact: string;
  channel: 'email' | 'sms';
}

/** A place on the waiting list asked for, with what the "check your messages" view shows (ADR 26). */
export interface WaitlistRequest {
  entryId: string;
  confirmBy: string;
  contact: string;
  channel: 'email' | 'sms';
  firstDay: string;
  lastDay: string;
}

/** Everything the booking flow knows; kept for the browser tab, so a reload loses nothing. */
export interface FlowState {
  answers: Answers;
  entries: PatientEntries;
  consent: boolean;
  /** Fields the API refused: criticised until the patient edits them. */
  refused: FieldName[];
  /** One key per request body: a retry after a lost answer returns the same hold (no second one). */
  request?: { key: string; body: string } | undefined;
  hold?: Hold | undefined;
  /** The nearest free slots offered after the chosen one was taken. */
  alternatives?: Slot[] | undefined;
  /** The waiting list was joined from this flow. */
  waitlist?: WaitlistRequest | undefined;
}

type Answer = { [K in keyof Answers]-?: { type: 'answered'; step: K; value: NonNullable<Answers[K]> } }[keyof Answers];

/** What can happen in the flow; `reduce` is the only place that changes the state. */
export type FlowEvent =
  | Answer
  | { type: 'entryChanged'; field: keyof PatientEntries; value: string }
  | { type: 'consentChanged'; accepted: boolean }
  | { type: 'requestPrepared'; body: string; key: string }
  | { type: 'held'; hold: Hold }
  | { type: 'waitlistJoined'; waitlist: WaitlistRequest }
  | { type: 'slotTaken'; alternatives: Slot[] }
  | { type: 'refused'; fields: FieldName[] }
  | { type: 'restarted' };

/**
 * The views of the flow: its steps, the "check your messages" view after sending, and the waiting
 * list — joined from the time step when nothing suits — with its own "check your messages" view.
 */
export type View = StepName | 'sent' | 'waitlist' | 'waitlistSent';

export function initialState(): FlowState {
  return { answers: {}, entries: { ...emptyEntries }, consent: false, refused: [] };
}

const sameAnswer = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function reduce(state: FlowState, event: FlowEvent): FlowState {
  switch (event.type) {
    case 'answered': {
      const answers: Answers = { ...state.answers, [event.step]: event.value };
      // A changed answer makes the answers that depended on it void.
      if (!sameAnswer(state.answers[event.step], event.value))
        for (const later of dependentsOf(event.step)) if (later !== 'summary') delete answers[later];
      return { ...state, answers, alternatives: undefined };
    }
    case 'entryChanged':
      return {
        ...state,
        entries: { ...state.entries, [event.field]: event.value },
        refused: state.refused.filter((field) => field !== event.field),
      };
    case 'consentChanged':
      return { ...state, consent: event.accepted };
    case 'requestPrepared':
      return state.request?.body === event.body ? state : { ...state, request: { key: event.key, body: event.body } };
    case 'held':
      // Names and contact stay out of storage once sent; the sent view keeps what it shows.
      return { ...initialState(), entries: { ...emptyEntries, channel: state.entries.channel }, hold: event.hold };
    case 'waitlistJoined':
      // As after a hold: the names and the contact leave storage once sent.
      return {
        ...initialState(),
        entries: { ...emptyEntries, channel: state.entries.channel },
        waitlist: event.waitlist,
      };
    case 'slotTaken':
      return { ...state, alternatives: event.alternatives.slice(0, 6) };
    case 'refused':
      return { ...state, refused: event.fields, answers: { ...state.answers, patient: undefined } };
    case 'restarted':
      return initialState();
  }
}

/** The view to show for the address's fragment: never a step whose earlier answers are missing. */
export function viewFor(wanted: string, steps: readonly StepName[], state: FlowState): View {
  if (wanted === 'sent' && state.hold) return 'sent';
  if (wanted === 'waitlistSent' && state.waitlist) return 'waitlistSent';
  // The waiting list is for the type and practitioner chosen: reachable where the time step is.
  if (wanted === 'waitlist' && steps.includes('datetime') && isReachable('datetime', steps, state.answers))
    return 'waitlist';
  const step = (steps as readonly string[]).includes(wanted) ? (wanted as StepName) : steps[0]!;
  return reachableStep(step, steps, state.answers);
}

/** A saved state, or a fresh one where it is missing or from an older version of the flow. */
export function restoreState(saved: string | null): FlowState {
  if (!saved) return initialState();
  try {
    const parsed = JSON.parse(saved) as Partial<FlowState>;
    if (typeof parsed.answers !== 'object' || typeof parsed.entries !== 'object' || !Array.isArray(parsed.refused))
      return initialState();
    return { ...initialState(), ...parsed, entries: { ...emptyEntries, ...parsed.entries } } as FlowState;
  } catch {
    return initialState();
  }
}
