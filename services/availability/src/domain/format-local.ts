import { IANAZone } from 'luxon';

const MINUTE = 60_000;
const zones = new Map<string, IANAZone>();
/** Offsets per zone and quarter hour since the epoch. */
const offsets = new Map<string, number>();

/** Formatted instants per zone: slot lists name the same grid instants answer after answer. */
const formatted = new Map<string, Map<number, string>>();
const FORMATTED_LIMIT = 200_000;

/**
 * An instant as ISO 8601 with the local offset of `zone`, to the second, e.g.
 * 2026-03-29T03:00:00+02:00. Each instant is formatted once and then looked up: slot lists format
 * thousands of instants per request, nearly all of them asked for before.
 */
export function formatLocal(instant: number, zone: string): string {
  let byInstant = formatted.get(zone);
  if (!byInstant) formatted.set(zone, (byInstant = new Map()));
  let text = byInstant.get(instant);
  if (text === undefined) {
    text = format(instant, zone);
    if (byInstant.size >= FORMATTED_LIMIT) byInstant.clear();
    byInstant.set(instant, text);
  }
  return text;
}

function format(instant: number, zone: string): string {
  const offset = offsetAt(instant, zone);
  const local = new Date(instant + offset * MINUTE).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function offsetAt(instant: number, zone: string): number {
  // Offsets only change on whole quarter hours, so one lookup per quarter hour is exact.
  const quarter = Math.floor(instant / (15 * MINUTE));
  const key = `${zone} ${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    let iana = zones.get(zone);
    if (!iana) zones.set(zone, (iana = IANAZone.create(zone)));
    offset = iana.offset(instant);
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
