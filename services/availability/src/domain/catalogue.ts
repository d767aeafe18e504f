import type { Language, LocalizedText, RequirablePatientField, VisitKind } from '@otk/contracts';
import type { Interval, WeeklyHours } from './slots.js';

/** The practice's settings (one practice per deployment). */
export interface PracticeSettings {
  name: string;
  timeZone: string;
  defaultLanguage: Language;
  languages: Language[];
  holidayCountry: string;
  holidayRegion: string | null;
  granularityMinutes: number;
  minimumNoticeMinutes: number;
  bookingHorizonDays: number;
  askVisitKind: boolean;
  askAppointmentGroup: boolean;
  requiredPatientFields: RequirablePatientField[];
  smsOffered: boolean;
  privacyPolicyUrl: string | null;
  privacyPolicyVersion: string | null;
  phone: string | null;
  logoUrl: string | null;
  brandColour: string | null;
}

export interface Practitioner {
  id: string;
  displayName: string;
  /** Calendars and resources every booking of this practitioner occupies too (S6). */
  resourceIds: string[];
  weeklyHours: WeeklyHours;
}

export interface AppointmentGroup {
  id: string;
  name: LocalizedText;
}

export interface AppointmentType {
  id: string;
  name: LocalizedText;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  visitKinds: VisitKind[];
  groupId: string | null;
  onlineBookable: boolean;
  practitionerIds: string[];
}

export interface Resource {
  id: string;
  name: string;
  kind: 'room' | 'device' | 'calendar';
}

export interface Absence {
  id: string;
  /** null: the whole practice is closed. */
  practitionerId: string | null;
  /** Instants, converted from the local wall-clock times they were entered in. */
  interval: Interval;
}

/** Everything slot computation needs besides busy times; reloaded when the catalogue changes. */
export interface Catalogue {
  practice: PracticeSettings;
  /** In display order. */
  practitioners: Practitioner[];
  groups: AppointmentGroup[];
  types: AppointmentType[];
  resources: Resource[];
  absences: Absence[];
  /** Local dates (yyyy-MM-dd) on which the practice is closed for a public holiday. */
  isHoliday(date: string): boolean;
}

/** The practitioner and every resource linked to them: what one of their bookings occupies. */
export function occupantsOf(practitioner: Practitioner): { kind: 'practitioner' | 'resource'; id: string }[] {
  return [
    { kind: 'practitioner', id: practitioner.id },
    ...practitioner.resourceIds.map((id) => ({ kind: 'resource' as const, id })),
  ];
}

export function absencesOf(catalogue: Catalogue, practitionerId: string): Interval[] {
  return catalogue.absences
    .filter((a) => a.practitionerId === null || a.practitionerId === practitionerId)
    .map((a) => a.interval);
}
