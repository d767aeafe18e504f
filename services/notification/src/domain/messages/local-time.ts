/**
 * Times as a person at the practice reads them: in the practice's IANA zone, with the zone's name,
 * never in UTC. Uses the ICU data built into Node (full-icu), so every zone and language works.
 */

type Style = 'date' | 'time' | 'zone' | 'compact';

const styles: Record<Style, Intl.DateTimeFormatOptions> = {
  date: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  zone: { timeZoneName: 'long' },
  compact: {
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  },
};

/**
 * One formatter per style, language and zone, made once: an `Intl.DateTimeFormat` holds ICU
 * objects outside the JavaScript heap, and making a new one for each text (several per message)
 * grew the service's resident memory by hundreds of MiB under steady load before the garbage
 * collector caught up. Languages and zones are few (a practice's four languages, its one zone).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(style: Style, timeZone: string, locale: string): Intl.DateTimeFormat {
  const key = `${style}|${timeZone}|${locale}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone, ...styles[style] });
    formatters.set(key, format);
  }
  return format;
}

/** "Montag, 7. Januar 2030" */
export function formatDate(instant: string, timeZone: string, locale: string): string {
  return formatter('date', timeZone, locale).format(new Date(instant));
}

/** "09:00" */
export function formatTime(instant: string, timeZone: string, locale: string): string {
  return formatter('time', timeZone, locale).format(new Date(instant));
}

/** "Mitteleuropäische Normalzeit": the zone's long name at that instant (summer or winter time). */
export function zoneName(instant: string, timeZone: string, locale: string): string {
  const part = formatter('zone', timeZone, locale)
    .formatToParts(new Date(instant))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** "Montag, 7. Januar 2030, 09:00–09:30 (Mitteleuropäische Normalzeit)" */
export function formatSpan(start: string, end: string, timeZone: string, locale: string): string {
  const from = formatTime(start, timeZone, locale);
  const to = formatTime(end, timeZone, locale);
  return `${formatDate(start, timeZone, locale)}, ${from}–${to} (${zoneName(start, timeZone, locale)})`;
}

/** "Sonntag, 6. Januar 2030, 09:00 (Mitteleuropäische Normalzeit)" */
export function formatInstant(instant: string, timeZone: string, locale: string): string {
  return `${formatDate(instant, timeZone, locale)}, ${formatTime(instant, timeZone, locale)} (${zoneName(instant, timeZone, locale)})`;
}

/** "Mo., 07.01.2030, 09:00": the compact form for SMS. */
export function formatCompact(instant: string, timeZone: string, locale: string): string {
  return formatter('compact', timeZone, locale).format(new Date(instant));
}
