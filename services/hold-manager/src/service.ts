import type { ServiceDefinition } from '@otk/runtime';
import { configSchema } from './config.js';
import {
  alternativesFinder,
  availabilityClient,
  catalogueReader,
  freeSlotsReader,
} from './data-access/availability.client.js';
import { bookingRepository } from './data-access/booking.repository.js';
import { expiryScheduler } from './data-access/expiry-scheduler.js';
import { migrations } from './data-access/migrations.js';
import { noticingOccupancy } from './data-access/occupancy-notices.js';
import { staffBookingReads } from './data-access/staff-bookings.repository.js';
import { waitlistRepository } from './data-access/waitlist.repository.js';
import type { HoldManagerDeps } from './domain/ports.js';
import { shareAlternativesPerSlot } from './domain/taken-slot-alternatives.js';
import { serveBookingCommands } from './entry-points/booking-commands.rpc.js';
import { bookingMetrics } from './entry-points/booking-metrics.js';
import { servePatientDataCommands } from './entry-points/patient-data.rpc.js';
import { serveStaffBookingCommands } from './entry-points/staff-booking-commands.rpc.js';
import { serveSettingsCommands } from './entry-points/settings-commands.rpc.js';
import { startExpirySweep } from './entry-points/expiry-sweep.timer.js';
import { consumeHoldExpiries, holdExpirySubscription } from './entry-points/hold-expiry.consumer.js';
import { startRetention } from './entry-points/retention.timer.js';
import { serveWaitlistCommands } from './entry-points/waitlist-commands.rpc.js';
import { startWaitlistExpiry } from './entry-points/waitlist-expiry.timer.js';
import { startWaitlistScan } from './entry-points/waitlist-scan.timer.js';
import { consumeWaitlistReleases, waitlistReleasesSubscription } from './entry-points/waitlist-releases.consumer.js';
import type { WaitlistDeps } from './domain/waitlist/waitlist-ports.js';

/** How long the alternatives of a taken slot are shared: about one round of a crowd wanting it. */
const ALTERNATIVES_SHARED_MS = 2000;

export const holdManager: ServiceDefinition<typeof configSchema> = {
  name: 'hold-manager',
  configSchema,
  migrations,
  subscriptions: [holdExpirySubscription, waitlistReleasesSubscription],
  outbox: true,
  async start({ broker, pool, config, logger, metrics: { registry } }) {
    const deps: HoldManagerDeps = {
      bookings: noticingOccupancy(
        bookingRepository(pool),
        (notice, timeoutMs) => broker.publishNotice(notice, timeoutMs),
        logger,
      ),
      logger,
      checkSlot: availabilityClient(broker, config.SLOT_CHECK_TIMEOUT_MS),
      // The losers of one contention round share one listing.
      findAlternatives: shareAlternativesPerSlot(alternativesFinder(broker, config.SLOT_CHECK_TIMEOUT_MS), {
        ttlMs: ALTERNATIVES_SHARED_MS,
      }),
      scheduleExpiry: expiryScheduler(broker),
      now: () => new Date(),
    };
    const metrics = bookingMetrics(registry);
    await consumeHoldExpiries(broker, deps, metrics);
    await serveBookingCommands(broker, deps, metrics);
    await serveSettingsCommands(broker, pool);
    await serveStaffBookingCommands(broker, { ...deps, staffBookings: staffBookingReads(pool) }, metrics);
    await servePatientDataCommands(broker, pool, deps.now);
    const waitlist: WaitlistDeps = {
      ...deps,
      waitlist: waitlistRepository(pool),
      readCatalogue: catalogueReader(broker, config.SLOT_CHECK_TIMEOUT_MS),
      listFreeSlots: freeSlotsReader(broker, config.SLOT_CHECK_TIMEOUT_MS),
      limits: {
        maxEntriesPerContact: config.WAITLIST_MAX_ENTRIES_PER_CONTACT,
        maxEntriesPerClient: config.WAITLIST_MAX_ENTRIES_PER_CLIENT,
        offersPerSlot: config.WAITLIST_OFFERS_PER_SLOT,
      },
    };
    await serveWaitlistCommands(broker, waitlist, metrics);
    await consumeWaitlistReleases(broker, waitlist);
    const stopWaitlistExpiry = startWaitlistExpiry(waitlist, logger, config.WAITLIST_EXPIRY_INTERVAL_MS);
    const stopWaitlistScan = startWaitlistScan(waitlist, logger, config.WAITLIST_SCAN_INTERVAL_MS);
    const stopSweep = startExpirySweep(deps, logger, config.HOLD_EXPIRY_SWEEP_INTERVAL_MS, metrics);
    const stopRetention = startRetention({ pool, now: deps.now }, logger, config.RETENTION_INTERVAL_MS, {
      endedHoldHours: config.RETENTION_ENDED_HOLD_HOURS,
      bookingDays: config.RETENTION_BOOKING_DAYS,
      publishedEventMinutes: config.RETENTION_PUBLISHED_EVENT_MINUTES,
    });
    return {
      stop: async () => {
        await Promise.all([stopSweep(), stopRetention(), stopWaitlistExpiry(), stopWaitlistScan()]);
      },
    };
  },
};
