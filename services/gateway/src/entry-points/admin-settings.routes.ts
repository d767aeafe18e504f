import {
  AppError,
  languageSchema,
  practiceProfileSchema,
  remindersSchema,
  siteSettingsSchema,
  staffCopiesSchema,
  syncSettingsSchema,
  updateBookingRulesRequestV1,
} from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import { Router } from 'express';
import { z } from 'zod';
import { readAuditRetentionDays, writeAuditRetentionDays } from '../data-access/audit.repository.js';
import { readTotpRequiredForAdmin, writeTotpRequiredForAdmin } from '../data-access/staff.repository.js';
import { type ConsoleRpcDeps, auditFor, staffOf } from './admin-auth.js';
import { parseInput } from './validate.js';

/**
 * How long the audit log keeps an entry (ADR 80): at least the year the Swiss data-protection
 * ordinance asks of access logs (DSV art. 4), at most ten years; the database checks it too.
 */
const auditRetentionDays = z.number().int().min(365).max(3650);

const profile = practiceProfileSchema.pick({ name: true, address: true, phone: true, logoUrl: true, colour: true });

/** PATCH /api/v1/admin/settings: any subset; unknown fields are refused rather than ignored. */
const settingsPatch = z
  .object({
    confirmationWindowMinutes: updateBookingRulesRequestV1.shape.confirmationWindowMinutes,
    cancellationDeadlineHours: updateBookingRulesRequestV1.shape.cancellationDeadlineHours,
    staffCopies: staffCopiesSchema.optional(),
    reminders: remindersSchema.optional(),
    onlineColour: syncSettingsSchema.shape.onlineColour.optional(),
    bookingHorizonDays: siteSettingsSchema.shape.bookingHorizonDays.optional(),
    minimumNoticeMinutes: siteSettingsSchema.shape.minimumNoticeMinutes.optional(),
    steps: siteSettingsSchema.shape.steps.partial().strict().optional(),
    requiredPatientFields: siteSettingsSchema.shape.requiredPatientFields.optional(),
    smsEnabled: z.boolean().optional(),
    languages: practiceProfileSchema.shape.languages.optional(),
    defaultLanguage: languageSchema.optional(),
    profile: profile.partial().strict().optional(),
    security: z.object({ totpRequiredForAdmin: z.boolean() }).strict().optional(),
    auditRetentionDays: auditRetentionDays.optional(),
  })
  .strict();
type SettingsPatch = z.infer<typeof settingsPatch>;

/**
 * The practice settings in one place for the console, kept by their owners (ADR 24): the gateway
 * reads each part from its owner and sends each change to it, and never touches their tables.
 * Only the console's own security policy and the audit log's retention are the gateway's.
 */
export function adminSettingsRoutes(deps: ConsoleRpcDeps): Router {
  const { pool, broker, guard } = deps;
  const options = { timeoutMs: deps.rpcTimeoutMs };
  const audit = auditFor(pool);
  const router = Router();
  const adminOnly = guard({ roles: ['admin'] });

  const readAll = async () => {
    const [rules, site, messages, sync, totpRequiredForAdmin, auditDays] = await Promise.all([
      broker.call('hold.getSettings', {}, options),
      broker.call('availability.getSettings', {}, options),
      broker.call('notification.getSettings', {}, options),
      broker.call('sync.getSettings', {}, options),
      readTotpRequiredForAdmin(pool),
      readAuditRetentionDays(pool),
    ]);
    const { languages, defaultLanguage, smsEnabled, ...practice } = site.profile;
    return {
      ...rules,
      staffCopies: messages.staffCopies,
      reminders: messages.reminders,
      onlineColour: sync.onlineColour,
      bookingHorizonDays: site.bookingHorizonDays,
      minimumNoticeMinutes: site.minimumNoticeMinutes,
      steps: site.steps,
      requiredPatientFields: site.requiredPatientFields,
      smsEnabled,
      languages,
      defaultLanguage,
      profile: practice,
      security: { totpRequiredForAdmin },
      auditRetentionDays: auditDays,
    };
  };

  router.get('/settings', adminOnly, async (_req, res) => {
    res.status(200).json(await readAll());
  });

  router.patch('/settings', adminOnly, async (req, res) => {
    const patch = parseInput(settingsPatch, req.body);
    const staff = staffOf(res);
    if (patch.security?.totpRequiredForAdmin && !staff.totpEnabled) {
      throw new AppError('VALIDATION_FAILED', 'set up a code generator for your own account before requiring one', {
        fields: [{ path: 'security.totpRequiredForAdmin', message: 'your account has no code generator' }],
      });
    }
    await Promise.all(changesByOwner(patch).map((send) => send(broker, options)));
    if (patch.security) await writeTotpRequiredForAdmin(pool, patch.security.totpRequiredForAdmin);
    if (patch.auditRetentionDays !== undefined) await writeAuditRetentionDays(pool, patch.auditRetentionDays);
    await audit(req, res, { action: 'settings.update', details: { changes: patch } });
    res.status(200).json(await readAll());
  });

  return router;
}

type Send = (broker: Broker, options: { timeoutMs: number }) => Promise<unknown>;

/** One command per owner whose part the patch touches; each validates its part again. */
function changesByOwner(patch: SettingsPatch): Send[] {
  const sends: Send[] = [];
  if (patch.confirmationWindowMinutes !== undefined || patch.cancellationDeadlineHours !== undefined) {
    const request = {
      confirmationWindowMinutes: patch.confirmationWindowMinutes,
      cancellationDeadlineHours: patch.cancellationDeadlineHours,
    };
    sends.push((broker, options) => broker.call('hold.updateSettings', request, options));
  }
  const profileChange = {
    ...patch.profile,
    ...(patch.languages ? { languages: patch.languages } : {}),
    ...(patch.defaultLanguage ? { defaultLanguage: patch.defaultLanguage } : {}),
    ...(patch.smsEnabled !== undefined ? { smsEnabled: patch.smsEnabled } : {}),
  };
  const siteChange = {
    ...(patch.bookingHorizonDays !== undefined ? { bookingHorizonDays: patch.bookingHorizonDays } : {}),
    ...(patch.minimumNoticeMinutes !== undefined ? { minimumNoticeMinutes: patch.minimumNoticeMinutes } : {}),
    ...(patch.steps ? { steps: patch.steps } : {}),
    ...(patch.requiredPatientFields ? { requiredPatientFields: patch.requiredPatientFields } : {}),
    ...(Object.keys(profileChange).length > 0 ? { profile: profileChange } : {}),
  };
  if (Object.keys(siteChange).length > 0) {
    sends.push((broker, options) => broker.call('availability.updateSettings', siteChange, options));
  }
  if (patch.staffCopies || patch.reminders) {
    const request = { staffCopies: patch.staffCopies, reminders: patch.reminders };
    sends.push((broker, options) => broker.call('notification.updateSettings', request, options));
  }
  if (patch.onlineColour !== undefined) {
    const request = { onlineColour: patch.onlineColour };
    sends.push((broker, options) => broker.call('sync.updateSettings', request, options));
  }
  return sends;
}
