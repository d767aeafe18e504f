import { withTransaction } from '@otk/db';
import { DateTime } from 'luxon';
import type pg from 'pg';
import { notifyCatalogueChanged } from '../src/data-access/catalogue.repository.js';

/**
 * The demo practice: enough to show every step of the booking flow (F1–F5, S6). Three
 * practitioners, two of whom share a room; three groups; seven types with different durations,
 * one for first visits only, two for follow-ups only, one not bookable online; part-time
 * schedules; a vacation, a part-day absence and a practice closure; the holidays of canton Zurich
 * come from the holiday library.
 */
export const demoPractice = {
  name: 'Zahnarztpraxis Dr. Muster',
  phone: '+41 44 123 45 67',
  timeZone: 'Europe/Zurich',
  canton: 'ZH',
  practitioners: {
    muster: 'dr-muster',
    keller: 'dr-keller',
    rossi: 'dh-rossi',
  },
  /** dr-keller and dh-rossi share this room (S6). */
  sharedRoom: 'room-2',
} as const;

type Weekly = Record<number, [string, string][]>;

const practitioners: { id: string; name: string; resources: string[]; hours: Weekly }[] = [
  {
    id: 'dr-muster',
    name: 'Dr. med. dent. Eva Muster',
    resources: ['room-1'],
    hours: {
      1: [
        ['08:00', '12:00'],
        ['13:00', '17:30'],
      ],
      2: [
        ['08:00', '12:00'],
        ['13:00', '17:30'],
      ],
      3: [['08:00', '12:00']],
      4: [
        ['08:00', '12:00'],
        ['13:00', '18:30'],
      ],
      5: [
        ['08:00', '12:00'],
        ['13:00', '16:00'],
      ],
    },
  },
  {
    // Part-time: three days a week.
    id: 'dr-keller',
    name: 'Dr. med. dent. Marco Keller',
    resources: ['room-2', 'xray-opg'],
    hours: {
      1: [['08:00', '12:00']],
      3: [
        ['08:00', '12:00'],
        ['13:00', '17:00'],
      ],
      4: [['13:00', '18:00']],
    },
  },
  {
    // Part-time dental hygienist, shares room-2 with dr-keller.
    id: 'dh-rossi',
    name: 'Laura Rossi, Dentalhygienikerin',
    resources: ['room-2'],
    hours: {
      2: [
        ['07:30', '12:00'],
        ['13:00', '16:00'],
      ],
      4: [
        ['07:30', '12:30'],
        ['13:30', '17:00'],
      ],
      5: [
        ['08:00', '12:00'],
        ['13:00', '17:00'],
      ],
    },
  },
];

const resources = [
  { id: 'room-1', name: 'Behandlungszimmer 1', kind: 'room' },
  { id: 'room-2', name: 'Behandlungszimmer 2', kind: 'room' },
  { id: 'xray-opg', name: 'Röntgen (OPG)', kind: 'device' },
];

const groups = [
  {
    id: 'checkups',
    name: {
      de: 'Kontrolle & Prophylaxe',
      fr: 'Contrôle et prophylaxie',
      it: 'Controllo e profilassi',
      en: 'Check-ups & prevention',
    },
  },
  { id: 'treatment', name: { de: 'Behandlung', fr: 'Traitement', it: 'Trattamento', en: 'Treatment' } },
  { id: 'urgent', name: { de: 'Notfall', fr: 'Urgence', it: 'Urgenza', en: 'Emergency' } },
];

const types = [
  {
    id: 'checkup',
    name: { de: 'Kontrolle', fr: 'Contrôle', it: 'Controllo', en: 'Check-up' },
    duration: 30,
    before: 0,
    after: 5,
    visitKinds: ['first', 'followup'],
    group: 'checkups',
    online: true,
    practitioners: ['dr-muster', 'dr-keller'],
  },
  {
    id: 'first-consultation',
    name: { de: 'Erstberatung', fr: 'Première consultation', it: 'Prima consulenza', en: 'First consultation' },
    duration: 45,
    before: 0,
    after: 10,
    visitKinds: ['first'],
    group: 'checkups',
    online: true,
    practitioners: ['dr-muster', 'dr-keller'],
  },
  {
    id: 'hygiene',
    name: { de: 'Dentalhygiene', fr: 'Hygiène dentaire', it: 'Igiene dentale', en: 'Dental hygiene' },
    duration: 60,
    before: 5,
    after: 10,
    visitKinds: ['first', 'followup'],
    group: 'checkups',
    online: true,
    practitioners: ['dh-rossi'],
  },
  {
    id: 'filling',
    name: { de: 'Füllung', fr: 'Obturation', it: 'Otturazione', en: 'Filling' },
    duration: 50,
    before: 0,
    after: 10,
    visitKinds: ['followup'],
    group: 'treatment',
    online: true,
    practitioners: ['dr-muster', 'dr-keller'],
  },
  {
    id: 'root-canal',
    name: { de: 'Wurzelbehandlung', fr: 'Traitement de racine', it: 'Cura canalare', en: 'Root canal treatment' },
    duration: 90,
    before: 10,
    after: 10,
    visitKinds: ['followup'],
    group: 'treatment',
    online: true,
    practitioners: ['dr-keller'],
  },
  {
    id: 'implant-surgery',
    name: { de: 'Implantation', fr: 'Pose d’implant', it: 'Impianto', en: 'Implant surgery' },
    duration: 120,
    before: 15,
    after: 15,
    visitKinds: ['followup'],
    group: 'treatment',
    online: false,
    practitioners: ['dr-keller'],
  },
  {
    id: 'emergency',
    name: { de: 'Schmerznotfall', fr: 'Urgence douleur', it: 'Urgenza dolore', en: 'Toothache emergency' },
    duration: 20,
    before: 0,
    after: 10,
    visitKinds: ['first', 'followup'],
    group: 'urgent',
    online: true,
    practitioners: ['dr-muster', 'dr-keller'],
  },
];

/**
 * Writes the demo practice into the `availability` schema, replacing the whole catalogue (not the
 * busy index) in one transaction. Idempotent: a second run leaves the same data. Absences lie
 * relative to `now` (so the demo always shows one) plus a fixed Christmas closure.
 */
export async function seedDemoPractice(pool: pg.Pool, now: Date = new Date()): Promise<void> {
  const zone = demoPractice.timeZone;
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const nextMonday = today.plus({ weeks: 1 }).startOf('week');
  const local = (d: DateTime) => d.toFormat("yyyy-MM-dd'T'HH:mm:ss");
  const absences = [
    // A vacation: dr-muster is away Monday to Wednesday in the week after next.
    {
      id: 'muster-vacation',
      practitioner: 'dr-muster',
      from: local(nextMonday.plus({ weeks: 1 })),
      until: local(nextMonday.plus({ weeks: 1, days: 3 })),
      reason: 'Ferien',
    },
    // A part day: dr-keller is away next Wednesday afternoon.
    {
      id: 'keller-training',
      practitioner: 'dr-keller',
      from: local(nextMonday.plus({ days: 2, hours: 13 })),
      until: local(nextMonday.plus({ days: 2, hours: 17 })),
      reason: 'Fortbildung',
    },
    // The practice closes between Christmas and New Year.
    {
      id: 'closure-christmas-2026',
      practitioner: null,
      from: '2026-12-24T00:00:00',
      until: '2027-01-04T00:00:00',
      reason: 'Betriebsferien',
    },
  ];

  await withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO availability.practice (name, time_zone, default_language, languages, holiday_country, holiday_region,
          slot_granularity_minutes, minimum_notice_minutes, booking_horizon_days, ask_visit_kind,
          ask_appointment_group, sms_offered, privacy_policy_url, privacy_policy_version, phone, brand_colour)
       VALUES ($1, $2, 'de', ARRAY['de', 'fr', 'it', 'en'], 'CH', $3, 15, 120, 90, true, true, false, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone,
         default_language = EXCLUDED.default_language, languages = EXCLUDED.languages,
         holiday_country = EXCLUDED.holiday_country, holiday_region = EXCLUDED.holiday_region,
         slot_granularity_minutes = EXCLUDED.slot_granularity_minutes,
         minimum_notice_minutes = EXCLUDED.minimum_notice_minutes,
         booking_horizon_days = EXCLUDED.booking_horizon_days, ask_visit_kind = EXCLUDED.ask_visit_kind,
         ask_appointment_group = EXCLUDED.ask_appointment_group, sms_offered = EXCLUDED.sms_offered,
         privacy_policy_url = EXCLUDED.privacy_policy_url, privacy_policy_version = EXCLUDED.privacy_policy_version,
         phone = EXCLUDED.phone, brand_colour = EXCLUDED.brand_colour, updated_at = now()`,
      [
        demoPractice.name,
        zone,
        demoPractice.canton,
        'https://demo-praxis.example/datenschutz',
        '2026-01',
        demoPractice.phone,
        '#0B5CAD',
      ],
    );
    // Children go with their parents (ON DELETE CASCADE).
    await client.query('DELETE FROM availability.absences');
    await client.query('DELETE FROM availability.appointment_types');
    await client.query('DELETE FROM availability.appointment_groups');
    await client.query('DELETE FROM availability.practitioners');
    await client.query('DELETE FROM availability.resources');

    for (const r of resources) {
      await client.query('INSERT INTO availability.resources (id, name, kind) VALUES ($1, $2, $3)', [
        r.id,
        r.name,
        r.kind,
      ]);
    }
    for (const [i, p] of practitioners.entries()) {
      await client.query('INSERT INTO availability.practitioners (id, display_name, sort_order) VALUES ($1, $2, $3)', [
        p.id,
        p.name,
        i,
      ]);
      for (const resource of p.resources) {
        await client.query(
          'INSERT INTO availability.practitioner_resources (practitioner_id, resource_id) VALUES ($1, $2)',
          [p.id, resource],
        );
      }
      for (const [weekday, intervals] of Object.entries(p.hours)) {
        for (const [start, end] of intervals) {
          await client.query(
            'INSERT INTO availability.working_hours (practitioner_id, weekday, starts_at, ends_at) VALUES ($1, $2, $3, $4)',
            [p.id, Number(weekday), start, end],
          );
        }
      }
    }
    for (const [i, g] of groups.entries()) {
      await client.query('INSERT INTO availability.appointment_groups (id, name, sort_order) VALUES ($1, $2, $3)', [
        g.id,
        g.name,
        i,
      ]);
    }
    for (const [i, t] of types.entries()) {
      await client.query(
        `INSERT INTO availability.appointment_types (id, name, duration_minutes, buffer_before_minutes,
            buffer_after_minutes, visit_kinds, group_id, online_bookable, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [t.id, t.name, t.duration, t.before, t.after, t.visitKinds, t.group, t.online, i],
      );
      for (const practitioner of t.practitioners) {
        await client.query(
          'INSERT INTO availability.appointment_type_practitioners (appointment_type_id, practitioner_id) VALUES ($1, $2)',
          [t.id, practitioner],
        );
      }
    }
    for (const a of absences) {
      await client.query(
        'INSERT INTO availability.absences (id, practitioner_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4, $5)',
        [a.id, a.practitioner, a.from, a.until, a.reason],
      );
    }
    await notifyCatalogueChanged(client);
  });
}
