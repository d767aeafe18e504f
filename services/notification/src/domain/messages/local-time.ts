/**
 * Times as a person at the practice reads them: in the practice's IANA zone, with the zone's name,
 * never in UTC. Uses the ICU data built into Node (full-icu), so every zone and language works.
 */

/** "Montag, 7. Januar 2030" */
export function formatDate(instant: string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(instant));
}

/** "09:00" */
export function formatTime(instant: string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(instant),
  );
}

/** "Mitteleuropäische Normalzeit": the zone's long name at that instant (summer or winter time). */
export function zoneName(instant: string, timeZone: string, locale: string): string {
  const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'long' })
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
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
}
