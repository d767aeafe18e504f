import Holidays from 'date-holidays';

/**
 * Public holidays of a country and region (a Swiss canton: 'ZH', 'VD', …) from the maintained
 * date-holidays library. Only type 'public' closes the practice; 'optional' days (Berchtoldstag,
 * Knabenschiessen) and observances do not. Each year is computed once, when first asked.
 */
export function publicHolidays(country: string, region: string | null): (date: string) => boolean {
  const calendar = region ? new Holidays(country, region) : new Holidays(country);
  const years = new Map<number, Set<string>>();
  return (date) => {
    const year = Number(date.slice(0, 4));
    let dates = years.get(year);
    if (!dates) {
      const holidays = calendar.getHolidays(year) || [];
      dates = new Set(holidays.filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
      years.set(year, dates);
    }
    return dates.has(date);
  };
}
