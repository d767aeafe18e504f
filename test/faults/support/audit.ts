import type pg from 'pg';
import { getJson } from '../../support/factories.js';
import type { HoldAttempt } from './hold-load.js';

/** What the audit found across the database, the broker's consumers and the SMTP server. */
export interface AuditResult {
  /** Extra copies: bookings per request, e-mails (by Message-ID) per recipient, calendar entries per booking. */
  duplicates: number;
  /** E-mails received again with the Message-ID of one received before: re-sent after a crash (ADR 31). */
  resentCopies: number;
  /** Accepted holds, or their events at a consumer, that are missing. */
  losses: number;
  /** Requests answered 5xx whose hold exists anyway. */
  carriedOutAfter5xx: number;
  unpublishedOutboxRows: number;
  /** Held slots that availability still offers. */
  heldButOffered: number;
  /** One sentence per finding, without personal data. */
  findings: string[];
}

export interface AuditDeps {
  pool: pg.Pool;
  gatewayUrl: string;
  /** Every e-mail the SMTP server took, per recipient. */
  mails(): { to: string; messageId: string }[];
}

/**
 * Checks every invariant against the stores themselves: each accepted hold exists once, no hold
 * exists for a request answered 5xx, every `booking.held` reached availability, its notice reached
 * notification (one e-mail per patient) and the practice system (one calendar entry per booking), the outboxes are
 * empty and no held slot is offered.
 */
export async function audit(deps: AuditDeps, attempts: HoldAttempt[]): Promise<AuditResult> {
  const { pool } = deps;
  const findings: string[] = [];
  const accepted = attempts.filter((a) => a.status === 201);
  const refused5xx = attempts.filter((a) => a.status >= 500);

  const bookings = (
    await pool.query<{ id: string; key: string | null }>(`SELECT id, idempotency_key AS key FROM hold_manager.bookings`)
  ).rows;
  const bookingIds = new Set(bookings.map((b) => b.id));
  const byKey = countBy(bookings.map((b) => b.key ?? ''));
  let duplicates = 0;
  let losses = 0;

  const lostHolds = accepted.filter((a) => !a.bookingId || !bookingIds.has(a.bookingId));
  losses += lostHolds.length;
  if (lostHolds.length) findings.push(`${lostHolds.length} accepted holds missing from hold_manager.bookings`);
  const doubled = [...byKey.entries()].filter(([key, n]) => key !== '' && n > 1);
  duplicates += doubled.reduce((sum, [, n]) => sum + n - 1, 0);
  if (doubled.length) findings.push(`${doubled.length} requests with more than one booking`);
  const carriedOut = refused5xx.filter((a) => byKey.has(a.idempotencyKey));
  if (carriedOut.length) findings.push(`${carriedOut.length} requests answered 5xx were carried out`);

  // Published rows keep only the event's id, type and subject (the booking), not its data.
  const eventsOfAccepted = async (type: string) =>
    (
      await pool.query<{ event_id: string; booking_id: string }>(
        `SELECT event_id, subject_id AS booking_id FROM hold_manager.outbox WHERE event_type = $1`,
        [type],
      )
    ).rows.filter((row) => accepted.some((a) => a.bookingId === row.booking_id));
  const held = await eventsOfAccepted('booking.held');
  const heldEventIds = held.map((row) => row.event_id);
  const missingEvents = accepted.length - held.length;
  losses += Math.max(0, missingEvents);
  if (missingEvents > 0) findings.push(`${missingEvents} accepted holds without a booking.held event`);
  const heldNoticeIds = (await eventsOfAccepted('notice.bookingHeld')).map((row) => row.event_id);
  const missingNotices = accepted.length - heldNoticeIds.length;
  losses += Math.max(0, missingNotices);
  if (missingNotices > 0) findings.push(`${missingNotices} accepted holds without a notice.bookingHeld`);

  const atAvailability = await countWhere(
    pool,
    `SELECT count(*)::int AS n FROM availability.processed_events WHERE consumer = 'availability.busy-index' AND event_id = ANY($1::uuid[])`,
    heldEventIds,
  );
  losses += heldEventIds.length - atAvailability;
  if (atAvailability < heldEventIds.length)
    findings.push(`${heldEventIds.length - atAvailability} booking.held events not applied by availability`);

  const markedSent = await countWhere(
    pool,
    `SELECT count(*)::int AS n FROM notification.message_log
      WHERE kind = 'provisional-request' AND status = 'sent' AND event_id = ANY($1::uuid[])`,
    heldNoticeIds,
  );
  losses += heldNoticeIds.length - markedSent;
  if (markedSent < heldNoticeIds.length)
    findings.push(`${heldNoticeIds.length - markedSent} provisional-request e-mails not recorded as sent`);

  const received = deps.mails();
  const mails = countBy(received.map((m) => m.to));
  const distinct = countBy([...new Set(received.map((m) => `${m.to} ${m.messageId}`))].map((k) => k.split(' ')[0]!));
  let resentCopies = 0;
  for (const attempt of accepted) {
    const messages = distinct.get(attempt.email) ?? 0;
    if (messages === 0) losses += 1;
    if (messages > 1) duplicates += messages - 1;
    resentCopies += (mails.get(attempt.email) ?? 0) - messages;
  }
  const mailDuplicates = accepted.filter((a) => (distinct.get(a.email) ?? 0) > 1).length;
  const mailLosses = accepted.filter((a) => !mails.has(a.email)).length;
  if (mailDuplicates) findings.push(`${mailDuplicates} patients got more than one e-mail`);
  if (mailLosses) findings.push(`${mailLosses} patients got no e-mail`);
  const mailsForRefused = attempts.filter((a) => a.status !== 201 && a.status !== 0 && mails.has(a.email)).length;
  if (mailsForRefused) findings.push(`${mailsForRefused} patients whose request was refused got an e-mail`);
  duplicates += mailsForRefused;

  const entries = new Map(
    (
      await pool.query<{ booking_id: string; n: number }>(
        `SELECT booking_id::text, count(*)::int AS n FROM pixelmedics_sync.pms_calendar_entries
          WHERE booking_id = ANY($1::uuid[]) GROUP BY booking_id`,
        [accepted.flatMap((a) => (a.bookingId ? [a.bookingId] : []))],
      )
    ).rows.map((row) => [row.booking_id, row.n]),
  );
  for (const attempt of accepted) {
    const n = attempt.bookingId ? (entries.get(attempt.bookingId) ?? 0) : 0;
    if (n === 0) losses += 1;
    if (n > 1) duplicates += n - 1;
  }
  const entryLosses = accepted.filter((a) => !a.bookingId || !entries.has(a.bookingId)).length;
  const entryDuplicates = [...entries.values()].filter((n) => n > 1).length;
  if (entryLosses) findings.push(`${entryLosses} bookings without a calendar entry`);
  if (entryDuplicates) findings.push(`${entryDuplicates} bookings with more than one calendar entry`);

  let unpublishedOutboxRows = 0;
  for (const schema of ['hold_manager', 'pixelmedics_sync', 'availability', 'notification']) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE published_at IS NULL`,
    );
    unpublishedOutboxRows += rows[0]?.n ?? 0;
  }
  if (unpublishedOutboxRows) findings.push(`${unpublishedOutboxRows} outbox rows not published`);
  let publishedWithData = 0;
  for (const schema of ['hold_manager', 'pixelmedics_sync', 'availability']) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE published_at IS NOT NULL AND envelope ? 'data'`,
    );
    publishedWithData += rows[0]?.n ?? 0;
  }
  if (publishedWithData) findings.push(`${publishedWithData} published outbox rows still hold their data`);

  const heldButOffered = await countOffered(deps.gatewayUrl, accepted);
  if (heldButOffered) findings.push(`${heldButOffered} held slots still offered`);

  return {
    duplicates,
    resentCopies,
    losses,
    carriedOutAfter5xx: carriedOut.length,
    unpublishedOutboxRows,
    heldButOffered,
    findings,
  };
}

/** How many of `attempts`' slots availability offers, asking once per practitioner and day. */
export async function countOffered(gatewayUrl: string, attempts: HoldAttempt[]): Promise<number> {
  const groups = new Map<string, Set<string>>();
  for (const { slot } of attempts) {
    const key = `${slot.practitionerId}/${slot.start.slice(0, 10)}`;
    groups.set(key, (groups.get(key) ?? new Set()).add(Date.parse(slot.start).toString()));
  }
  let offered = 0;
  for (const [key, starts] of groups) {
    const [practitioner, day] = key.split('/') as [string, string];
    const { status, body } = await getJson(
      `${gatewayUrl}/api/v1/availability?appointmentType=checkup&practitioner=${practitioner}&from=${day}&to=${day}`,
    );
    if (status !== 200) throw new Error(`availability answered ${status}`);
    const days = body.days as { slots: { start: string }[] }[];
    offered += days.flatMap((d) => d.slots).filter((s) => starts.has(Date.parse(s.start).toString())).length;
  }
  return offered;
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

async function countWhere(pool: pg.Pool, sql: string, ids: string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(sql, [ids]);
  return rows[0]?.n ?? 0;
}
