import { dateAtNoon } from './calendar.js';
import type { Language } from './i18n.js';

/**
 * Dates and times for people: in the language's Swiss variant (de-CH, fr-CH, it-CH, en-CH) and
 * always in the practice's time zone, whatever the zone of the patient's device.
 */
export interface Formats {
  /** "Mittwoch, 2. Dezember 2026 um 09:30", "mardi 1er décembre 2026 à 09:30" */
  dateTime(instant: string): string;
  /** "09:30" */
  time(instant: string): string;
  /** "Mittwoch, 2. Dezember 2026", from a local date yyyy-MM-dd */
  longDate(date: string): string;
  /** "Dezember 2026" */
  monthTitle(year: number, month: number): string;
  /** Monday to Sunday, short: "Mo", "Di", … */
  weekdays(): { short: string; long: string }[];
  /** "4:59" minutes and seconds of a countdown */
  countdown(milliseconds: number): string;
  /** The practice's zone by name, e.g. "Mitteleuropäische Zeit"; null when the device is in it too. */
  zoneNote(deviceZone?: string): string | null;
}

/** How the first day of a month is written where it is an ordinal: "1er décembre", "1º dicembre". */
const firstDay: Partial<Record<Language, string>> = { fr: '1er', it: '1º' };
/** Languages that write the weekday without a comma: "mercredi 2 décembre", "mercoledì 2 dicembre". */
const weekdayWithoutComma: ReadonlySet<Language> = new Set(['fr', 'it']);

/** A date as the language writes it, where Intl's Swiss patterns differ from the language's usage. */
function typeset(language: Language, format: Intl.DateTimeFormat): (date: Date) => string {
  return (date) =>
    format
      .formatToParts(date)
      .map((part, i, parts) => {
        if (part.type === 'day' && part.value === '1') return firstDay[language] ?? part.value;
        if (part.type === 'literal' && parts[i - 1]?.type === 'weekday' && weekdayWithoutComma.has(language))
          return part.value.replace(/^,\s*/, ' ');
        return part.value;
      })
      .join('');
}

export function formats(language: Language, timeZone: string): Formats {
  const locale = `${language}-CH`;
  const dateTimeFormat = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const timeFormat = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
  // Local dates are formatted in UTC from noon UTC: the calendar day stays the same.
  const longDateFormat = new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const monthFormat = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' });
  const dateTime = typeset(language, dateTimeFormat);
  const longDate = typeset(language, longDateFormat);
  return {
    dateTime: (instant) => dateTime(new Date(instant)),
    time: (instant) => timeFormat.format(new Date(instant)),
    longDate: (date) => longDate(dateAtNoon(date)),
    monthTitle: (year, month) => monthFormat.format(dateAtNoon(`${year}-${String(month).padStart(2, '0')}-15`)),
    weekdays: () => {
      const short = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short' });
      const long = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long' });
      // 2024-01-01 was a Monday.
      return Array.from({ length: 7 }, (_, i) => {
        const day = dateAtNoon(`2024-01-0${i + 1}`);
        return { short: short.format(day), long: long.format(day) };
      });
    },
    zoneNote: (deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone) => {
      const offset = (zone: string) =>
        new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).format(new Date());
      if (deviceZone === timeZone || offset(deviceZone) === offset(timeZone)) return null;
      const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'longGeneric' }).formatToParts(
        new Date(),
      );
      return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
    },
    countdown: (milliseconds) => {
      const total = Math.max(0, Math.ceil(milliseconds / 1000));
      return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
    },
  };
}
