import type { MessageKey } from './i18n.js';

/** The patient's entries (F6) as typed, before they become the hold request's `patient`. */
export interface PatientEntries {
  firstName: string;
  lastName: string;
  birthDate: string;
  gender: string;
  street: string;
  postcode: string;
  town: string;
  country: string;
  phone: string;
  email: string;
  channel: 'email' | 'sms';
}

export type FieldName = Exclude<keyof PatientEntries, 'channel'>;

export const emptyEntries: PatientEntries = {
  firstName: '',
  lastName: '',
  birthDate: '',
  gender: '',
  street: '',
  postcode: '',
  town: '',
  country: 'CH',
  phone: '',
  email: '',
  channel: 'email',
};

/** Countries offered in the form, as ISO 3166-1 alpha-2 codes; their names come from Intl. */
export const countries = ['CH', 'LI', 'DE', 'AT', 'FR', 'IT'] as const;

const maxLength: Record<FieldName, number> = {
  firstName: 100,
  lastName: 100,
  birthDate: 10,
  gender: 20,
  street: 200,
  postcode: 20,
  town: 100,
  country: 2,
  phone: 30,
  email: 254,
};

/**
 * Which fields a patient must fill in: the names always, the contact the confirmation link goes
 * to, and whatever else the practice requires (F6, the practice's `requiredPatientFields`, which
 * the server enforces too).
 */
export function isRequired(field: FieldName, channel: PatientEntries['channel'], required: readonly string[]): boolean {
  if (field === 'firstName' || field === 'lastName') return true;
  if (field === 'email' && channel === 'email') return true;
  if (field === 'phone' && channel === 'sms') return true;
  return required.includes(field);
}

/** "079 123 45 67" or "0041 79 123 45 67" → "+41791234567"; a local Swiss number gets +41. */
export function normalizePhone(input: string): string {
  let phone = input.replace(/[\s().\-/]/g, '');
  if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
  else if (/^0[1-9]/.test(phone)) phone = `+41${phone.slice(1)}`;
  return phone;
}

const emailPattern = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/**
 * The message for one field's value, or null when it is fine. `today` is yyyy-MM-dd; `required`
 * is the practice's list of required fields.
 */
export function validateField(
  field: FieldName,
  entries: PatientEntries,
  today: string,
  required: readonly string[],
): MessageKey | null {
  const value = entries[field].trim();
  if (value === '') return isRequired(field, entries.channel, required) ? 'validation.required' : null;
  if (value.length > maxLength[field]) return 'validation.tooLong';
  switch (field) {
    case 'email':
      return emailPattern.test(value) ? null : 'validation.email';
    case 'phone':
      return /^\+[1-9]\d{6,14}$/.test(normalizePhone(value)) ? null : 'validation.phone';
    case 'birthDate': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'validation.birthDate';
      const date = new Date(`${value}T00:00:00Z`);
      const valid = !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
      return valid && value >= '1900-01-01' && value <= today ? null : 'validation.birthDate';
    }
    default:
      return null;
  }
}

export function validateAll(
  entries: PatientEntries,
  today: string,
  required: readonly string[],
): Partial<Record<FieldName, MessageKey>> {
  const errors: Partial<Record<FieldName, MessageKey>> = {};
  for (const field of Object.keys(maxLength) as FieldName[]) {
    const error = validateField(field, entries, today, required);
    if (error) errors[field] = error;
  }
  return errors;
}

/** The hold request's `patient`: trimmed, empty optional fields left out. */
export function toPatient(entries: PatientEntries): Record<string, string> {
  const patient: Record<string, string> = {};
  for (const field of Object.keys(maxLength) as FieldName[]) {
    const value = field === 'phone' ? normalizePhone(entries.phone.trim()) : entries[field].trim();
    if (value !== '') patient[field] = value;
  }
  return patient;
}

/** Maps a server-side VALIDATION_FAILED detail path such as "patient.email" to a form field. */
export function fieldOfServerPath(path: string): FieldName | null {
  const match = /^patient\.(\w+)$/.exec(path);
  const field = match?.[1];
  return field && field in maxLength ? (field as FieldName) : null;
}
