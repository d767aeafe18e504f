import { randomUUID } from 'node:crypto';
import type { Reminder } from '@otk/contracts';
import { aBookingCancelledEvent, aBookingChangedNotice, aBookingConfirmedNotice } from '@otk/test-kit';
import { expect } from 'chai';
import { inMemoryReminders } from '../../../test/support/in-memory-ports.js';
import { scheduleReminders } from './schedule-reminders.use-case.js';

const hour = 3600_000;
const practiceReminders: Reminder[] = [
  { hoursBefore: 2, channel: 'sms' },
  { hoursBefore: 48, channel: 'email' },
];
/** The test bookings start on 7 January 2030 at 08:00 UTC; the clock stands six days before. */
const start = '2030-01-07T08:00:00.000Z';
const sixDaysBefore = '2030-01-01T08:00:00Z';

/** The event `seconds` after a fixed instant, so that tests can order a booking's events. */
function at<T extends { occurredAt: string }>(event: T, seconds: number): T {
  return { ...event, occurredAt: new Date(Date.UTC(2029, 11, 1) + seconds * 1000).toISOString() };
}

const pendingOf = (app: ReturnType<typeof inMemoryReminders>, bookingId: string) =>
  app.reminders.of(bookingId).filter((r) => r.status === 'pending');

describe('scheduling the reminders of a booking (use case, in memory)', () => {
  it('when a booking is confirmed, then one reminder per configured offset is due that many hours before the start, earliest first', async () => {
    const app = inMemoryReminders({ settings: { reminders: practiceReminders }, now: sixDaysBefore });
    const confirmed = aBookingConfirmedNotice({ start });

    await scheduleReminders(confirmed, app.deps);

    const { bookingId } = confirmed.data.booking;
    expect(
      pendingOf(app, bookingId).map((r) => ({ hoursBefore: r.hoursBefore, channel: r.channel, dueAt: r.dueAt })),
    ).to.deep.equal([
      { hoursBefore: 48, channel: 'email', dueAt: new Date('2030-01-05T08:00:00Z') },
      { hoursBefore: 2, channel: 'sms', dueAt: new Date('2030-01-07T06:00:00Z') },
    ]);
    expect(pendingOf(app, bookingId).map((r) => r.booking?.patient.email)).to.deep.equal([
      'anna.beispiel@example.org',
      'anna.beispiel@example.org',
    ]);
  });

  it('when a booking is confirmed after an offset has passed, then only the reminders still ahead are planned', async () => {
    const app = inMemoryReminders({ settings: { reminders: practiceReminders }, now: '2030-01-06T08:00:00Z' });
    const confirmed = aBookingConfirmedNotice({ start });

    await scheduleReminders(confirmed, app.deps);

    expect(pendingOf(app, confirmed.data.booking.bookingId).map((r) => r.hoursBefore)).to.deep.equal([2]);
  });

  it('when the practice asks for no reminders, then none is planned', async () => {
    const app = inMemoryReminders({ settings: { reminders: [] }, now: sixDaysBefore });

    await scheduleReminders(aBookingConfirmedNotice({ start }), app.deps);

    expect(app.reminders.rows).to.deep.equal([]);
  });

  it('when the practice changed its reminders since the booking was confirmed, then a change of the booking plans the new ones', async () => {
    const app = inMemoryReminders({ settings: { reminders: practiceReminders }, now: sixDaysBefore });
    const confirmed = at(aBookingConfirmedNotice({ start }), 0);
    await scheduleReminders(confirmed, app.deps);
    await app.settings.update({ reminders: [{ hoursBefore: 24, channel: 'email' }] });

    await scheduleReminders(at(aBookingChangedNotice(confirmed.data.booking), 1), app.deps);

    expect(pendingOf(app, confirmed.data.booking.bookingId).map((r) => r.hoursBefore)).to.deep.equal([24]);
  });

  it('when a booking is changed, then its reminders are planned again for the new time only', async () => {
    const app = inMemoryReminders({ settings: { reminders: practiceReminders }, now: sixDaysBefore });
    const confirmed = at(aBookingConfirmedNotice({ start }), 0);
    const { bookingId } = confirmed.data.booking;
    await scheduleReminders(confirmed, app.deps);
    const newStart = new Date(Date.parse(start) + 24 * hour).toISOString();

    await scheduleReminders(
      at(aBookingChangedNotice({ ...confirmed.data.booking, start: newStart }, { start }), 1),
      app.deps,
    );

    const pending = pendingOf(app, bookingId);
    expect(pending).to.have.length(2);
    expect(pending.map((r) => r.startsAt.toISOString())).to.deep.equal([newStart, newStart]);
    expect(pending.map((r) => r.dueAt.toISOString())).to.deep.equal([
      '2030-01-06T08:00:00.000Z',
      '2030-01-08T06:00:00.000Z',
    ]);
  });

  it('when a booking is cancelled, then its reminders go, and a late copy of its confirmation plans none again', async () => {
    const app = inMemoryReminders({ settings: { reminders: practiceReminders }, now: sixDaysBefore });
    const confirmed = at(aBookingConfirmedNotice({ start }), 0);
    const { bookingId } = confirmed.data.booking;
    await scheduleReminders(confirmed, app.deps);

    await scheduleReminders(at(aBookingCancelledEvent(confirmed.data.booking), 2), app.deps);
    expect(pendingOf(app, bookingId)).to.deep.equal([]);

    await scheduleReminders({ ...confirmed, id: randomUUID() }, app.deps);
    await scheduleReminders(at(aBookingChangedNotice(confirmed.data.booking), 3), app.deps);
    expect(app.reminders.of(bookingId), 'no reminder after the cancellation, even from a newer event').to.deep.equal(
      [],
    );
  });

  it('when a change arrives before the confirmation it follows, then the older confirmation changes nothing', async () => {
    const app = inMemoryReminders({ settings: { reminders: practiceReminders }, now: sixDaysBefore });
    const confirmed = at(aBookingConfirmedNotice({ start }), 0);
    const newStart = new Date(Date.parse(start) + 24 * hour).toISOString();
    const changed = at(aBookingChangedNotice({ ...confirmed.data.booking, start: newStart }, { start }), 1);

    await scheduleReminders(changed, app.deps);
    await scheduleReminders(confirmed, app.deps);

    const pending = pendingOf(app, confirmed.data.booking.bookingId);
    expect(pending.map((r) => r.startsAt.toISOString())).to.deep.equal([newStart, newStart]);
  });

  it('when the same confirmation is delivered again, then the reminders stay as planned (same ids, nothing doubled)', async () => {
    const app = inMemoryReminders({ settings: { reminders: practiceReminders }, now: sixDaysBefore });
    const confirmed = aBookingConfirmedNotice({ start });
    await scheduleReminders(confirmed, app.deps);
    const before = app.reminders.rows.map((r) => r.id);

    await scheduleReminders(confirmed, app.deps);

    expect(app.reminders.rows.map((r) => r.id)).to.deep.equal(before);
  });
});
