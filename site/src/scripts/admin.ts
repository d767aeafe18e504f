import de from '../i18n/admin/de.json';
import en from '../i18n/admin/en.json';
import fr from '../i18n/admin/fr.json';
import it from '../i18n/admin/it.json';
import type { BookingSyncState } from '@otk/contracts';
import { type ApiResult, api } from '../lib/api.js';
import { clearAnnouncements, h, showView } from '../lib/dom.js';
import { midnightIn, todayIn } from '../lib/calendar.js';
import { contrastWithWhite } from '../lib/colour.js';
import { type Language, allLanguages, pickLanguage } from '../lib/i18n.js';
import { waitlistText, waitlistView } from './admin/waitlist.view.js';

/**
 * The practice console (/admin): sign-in, settings, bookings by day or week, a booking with its
 * cancel and its patient's export and erasure, the catalogue, stopped work with its retries, and
 * the audit log. Its own bundle: no patient page loads it. Staff texts are bundled here in all four
 * languages (a few KB), apart from the patient pages' texts.
 */
type Key = keyof typeof en;
const texts: Record<Language, Record<Key, string>> = { de, fr, it, en };
let language: Language = pickLanguage(
  allLanguages,
  'de',
  new URL(location.href).searchParams.get('lang') ?? localStorage.getItem('otk-admin-lang'),
  navigator.languages,
);
/** A booking's status, or a step of its history, in the staff member's language. */
const statusText = (status: string) => (`status.${status}` in en ? t(`status.${status}` as Key) : status);
/** A language's own name ("Deutsch", "Français"), as staff recognise it whatever the console's language. */
const languageName = (code: Language) => new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
const t = (key: Key, vars: Record<string, string | number> = {}) =>
  texts[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));

interface User {
  email: string;
  role: 'admin' | 'staff';
  totpEnabled: boolean;
  totpSetupRequired: boolean;
}
interface StaffBooking {
  bookingId: string;
  status: string;
  appointmentTypeName: Record<string, string>;
  practitionerId: string;
  practitionerName: string;
  timeZone: string;
  start: string;
  end: string;
  patient: { firstName: string; lastName: string; email?: string; phone?: string; birthDate?: string };
  /** Only in the booking detail; null while the practice-system sync does not answer. */
  sync?: BookingSyncState | null;
}
interface Settings {
  confirmationWindowMinutes: number;
  cancellationDeadlineHours: number;
  staffCopies: { enabled: boolean; addresses: string[] };
  reminders: Reminder[];
  onlineColour: string;
  bookingHorizonDays: number;
  minimumNoticeMinutes: number;
  /** How long the audit log keeps staff actions and reads, in days (at least a year). */
  auditRetentionDays: number;
  steps: { visitKind: boolean; appointmentGroup: boolean };
  requiredPatientFields: PatientField[];
  smsEnabled: boolean;
  languages: Language[];
  defaultLanguage: Language;
  profile: { name: string; address: string; phone: string | null; logoUrl: string | null; colour: string | null };
}
/** The patient details a practice may require besides the names (F6). */
const patientFields = ['birthDate', 'gender', 'street', 'postcode', 'town', 'country', 'phone', 'email'] as const;
type PatientField = (typeof patientFields)[number];

interface Reminder {
  hoursBefore: number;
  channel: 'email' | 'sms';
}

let csrfToken = '';
/** The practice's time zone (GET /practice); every date and time of the console is shown in it. */
let practiceZone = 'Europe/Zurich';
let practiceZoneKnown = false;
let user: User | undefined;
const app = document.getElementById('app')!;

function call<T>(path: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' = 'GET', body?: unknown) {
  return api<T>(`/admin${path}`, { method, body, headers: csrfToken ? { 'x-otk-csrf': csrfToken } : {} });
}

/** Turns a refusal into a sentence; an ended session leads back to the sign-in form. */
function failure(result: Extract<ApiResult<never>, { ok: false }>): string {
  if (result.code === 'UNAUTHENTICATED') {
    user = undefined;
    void render();
  }
  if (result.code === 'FORBIDDEN') return t('error.forbidden');
  if (result.code === 'CATALOGUE_MANAGED_BY_PRACTICE_SYSTEM') return t('catalogue.managedByPracticeSystem');
  if (result.code === 'VALIDATION_FAILED') {
    const fields = (result.details?.fields as { path: string }[] | undefined)?.map((f) => f.path).join(', ') ?? '';
    return t('settings.invalid', { fields });
  }
  return t('error.generic', { code: result.code });
}

function field(label: string, input: HTMLInputElement | HTMLTextAreaElement): HTMLElement {
  const id = `f-${input.name}`;
  input.id = id;
  return h('p', { class: 'field' }, h('label', { for: id }, label), input);
}

function checkbox(label: string, name: string, checked: boolean): HTMLElement {
  const input = h('input', { type: 'checkbox', name, id: `f-${name}`, checked });
  return h('p', { class: 'field' }, h('label', { for: `f-${name}` }, input, ' ', label));
}

/** The reminders as rows of hours and channel (up to 5); a row without hours is no reminder. */
function reminderRows(reminders: Reminder[]): { rows: HTMLElement[]; read: () => Reminder[] } {
  const count = Math.min(5, Math.max(3, reminders.length + 1));
  const inputs = Array.from({ length: count }, (_, i) => {
    const reminder = reminders[i];
    const hours = h('input', {
      type: 'number',
      name: `reminderHours${i}`,
      id: `f-reminderHours${i}`,
      min: 1,
      max: 336,
      value: reminder?.hoursBefore ?? '',
    });
    const channel = h(
      'select',
      { name: `reminderChannel${i}`, id: `f-reminderChannel${i}` },
      (['email', 'sms'] as const).map((c) =>
        h('option', { value: c, selected: reminder?.channel === c }, t(`settings.reminderChannel.${c}`)),
      ),
    );
    return { hours, channel };
  });
  return {
    rows: inputs.map(({ hours, channel }) =>
      h(
        'p',
        { class: 'field' },
        h('label', { for: hours.id }, t('settings.reminderHours')),
        hours,
        ' ',
        h('label', { for: channel.id }, t('settings.reminderChannel')),
        channel,
      ),
    ),
    read: () =>
      inputs
        .filter(({ hours }) => hours.value.trim() !== '')
        .map(({ hours, channel }): Reminder => ({
          hoursBefore: Number(hours.value),
          channel: channel.value === 'sms' ? 'sms' : 'email',
        })),
  };
}

function languageSwitch(): HTMLElement {
  return h(
    'p',
    { class: 'language-switch' },
    allLanguages.map((code) =>
      h(
        'button',
        {
          type: 'button',
          class: 'button secondary',
          lang: code,
          'aria-pressed': String(code === language),
          onclick: () => {
            language = code;
            localStorage.setItem('otk-admin-lang', code);
            void render();
          },
        },
        code.toUpperCase(),
      ),
    ),
  );
}

function signInView(message = ''): void {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const totp = h('input', { type: 'text', name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code' });
  const error = h('p', { class: 'error-text', role: 'alert' }, message);
  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const body = { email: email.value, password: password.value, ...(totp.value ? { totp: totp.value } : {}) };
        const result = await api<{ csrfToken: string; user: User }>('/admin/session', { method: 'POST', body });
        if (result.ok) {
          csrfToken = result.data.csrfToken;
          user = result.data.user;
          // A new hash renders through hashchange; rendering here too would draw the page twice, and
          // the second drawing would drop what staff began to type into the first.
          const start = user.role === 'admin' ? '#/settings' : '#/bookings';
          if (location.hash === start) void render();
          else location.hash = start;
          return;
        }
        error.textContent =
          result.code === 'RATE_LIMITED'
            ? t('signIn.limited', { minutes: 15 })
            : result.code === 'TOTP_REQUIRED'
              ? t('signIn.totpRequired')
              : result.code === 'SIGN_IN_FAILED'
                ? t('signIn.failed')
                : t('error.generic', { code: result.code });
      },
    },
    field(t('signIn.email'), email),
    field(t('signIn.password'), password),
    field(t('signIn.totp'), totp),
    error,
    h('button', { type: 'submit', class: 'button' }, t('signIn.submit')),
  );
  showView(app, languageSwitch(), h('h1', {}, `${t('title')} – ${t('signIn.heading')}`), form);
}

function navigation(): HTMLElement {
  const links: [string, string][] = [
    ['#/bookings', t('nav.bookings')],
    ['#/waitlist', waitlistText(language, 'nav')],
  ];
  if (user?.role === 'admin')
    links.push(
      ['#/settings', t('nav.settings')],
      ['#/catalogue', t('nav.catalogue')],
      ['#/webhooks', t('nav.webhooks')],
      ['#/operations', t('nav.operations')],
      ['#/audit', t('nav.audit')],
    );
  const signOut = (path: string) => async () => {
    await call(path, 'DELETE');
    csrfToken = '';
    user = undefined;
    void render();
  };
  return h(
    'nav',
    { 'aria-label': t('nav.label'), class: 'admin-nav' },
    languageSwitch(),
    h('p', {}, t('signedInAs', { email: user?.email ?? '', role: user?.role ?? '' })),
    h(
      'ul',
      {},
      links.map(([href, label]) =>
        h('li', {}, h('a', { href, 'aria-current': location.hash === href ? 'page' : null }, label)),
      ),
      h(
        'li',
        {},
        h('button', { type: 'button', class: 'button secondary', onclick: signOut('/session') }, t('nav.signOut')),
      ),
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'button secondary', onclick: signOut('/sessions') },
          t('nav.signOutEverywhere'),
        ),
      ),
    ),
  );
}

async function settingsView(): Promise<void> {
  const result = await call<Settings>('/settings');
  if (!result.ok) return showView(app, navigation(), h('p', { class: 'error-text', role: 'alert' }, failure(result)));
  const s = result.data;
  const number = (name: string, value: number, min: number, max: number) =>
    h('input', { type: 'number', name, value, min, max, required: true });
  const text = (name: string, value: string) => h('input', { type: 'text', name, value });
  const addresses = h('textarea', { name: 'staffAddresses', rows: 3 });
  addresses.value = s.staffCopies.addresses.join('\n');
  const reminders = reminderRows(s.reminders);
  const defaultLanguage = h(
    'select',
    { name: 'defaultLanguage', id: 'f-defaultLanguage' },
    allLanguages.map((code) => h('option', { value: code, selected: code === s.defaultLanguage }, languageName(code))),
  );
  const profile = profileFields(s.profile);
  const status = h('p', { role: 'status' });
  const form: HTMLFormElement = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const brand = profile.read();
        if (!brand) return;
        const data = new FormData(form);
        const int = (name: string) => Number(data.get(name));
        const patch = {
          confirmationWindowMinutes: int('confirmationWindowMinutes'),
          cancellationDeadlineHours: int('cancellationDeadlineHours'),
          bookingHorizonDays: int('bookingHorizonDays'),
          minimumNoticeMinutes: int('minimumNoticeMinutes'),
          auditRetentionDays: int('auditRetentionDays'),
          steps: { visitKind: data.has('visitKind'), appointmentGroup: data.has('appointmentGroup') },
          requiredPatientFields: patientFields.filter((name) => data.has(`required-${name}`)),
          smsEnabled: data.has('smsEnabled'),
          languages: allLanguages.filter((code) => data.has(`language-${code}`)),
          defaultLanguage: defaultLanguage.value,
          staffCopies: {
            enabled: data.has('staffCopies'),
            addresses: addresses.value
              .split('\n')
              .map((line) => line.trim())
              .filter(Boolean),
          },
          reminders: reminders.read(),
          onlineColour: String(data.get('onlineColour')).toUpperCase(),
          profile: {
            name: String(data.get('name')),
            address: String(data.get('address')),
            phone: String(data.get('phone')) || null,
            ...brand,
          },
        };
        const saved = await call<Settings>('/settings', 'PATCH', patch);
        status.textContent = saved.ok ? t('settings.saved') : failure(saved);
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, t('settings.rules')),
      field(t('settings.confirmationWindow'), number('confirmationWindowMinutes', s.confirmationWindowMinutes, 5, 120)),
      field(
        t('settings.cancellationDeadline'),
        number('cancellationDeadlineHours', s.cancellationDeadlineHours, 0, 168),
      ),
      field(t('settings.horizon'), number('bookingHorizonDays', s.bookingHorizonDays, 1, 730)),
      field(t('settings.notice'), number('minimumNoticeMinutes', s.minimumNoticeMinutes, 0, 20160)),
      field(t('settings.auditRetention'), number('auditRetentionDays', s.auditRetentionDays, 365, 3650)),
      checkbox(t('settings.stepVisitKind'), 'visitKind', s.steps.visitKind),
      checkbox(t('settings.stepGroup'), 'appointmentGroup', s.steps.appointmentGroup),
      checkbox(t('settings.sms'), 'smsEnabled', s.smsEnabled),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('settings.requiredFields')),
      patientFields.map((name) =>
        checkbox(t(`patientField.${name}`), `required-${name}`, s.requiredPatientFields.includes(name)),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('settings.languages')),
      allLanguages.map((code) => checkbox(languageName(code), `language-${code}`, s.languages.includes(code))),
      h(
        'p',
        { class: 'field' },
        h('label', { for: 'f-defaultLanguage' }, t('settings.defaultLanguage')),
        defaultLanguage,
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('settings.messages')),
      checkbox(t('settings.staffCopies'), 'staffCopies', s.staffCopies.enabled),
      field(t('settings.staffAddresses'), addresses),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('settings.reminders')),
      h('p', { class: 'muted' }, t('settings.remindersHint')),
      reminders.rows,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('settings.calendar')),
      field(
        t('settings.onlineColour'),
        h('input', { type: 'color', name: 'onlineColour', value: s.onlineColour.toLowerCase() }),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t('settings.profile')),
      field(t('settings.name'), text('name', s.profile.name)),
      field(t('settings.address'), text('address', s.profile.address)),
      field(t('settings.phone'), text('phone', s.profile.phone ?? '')),
      profile.fields,
    ),
    status,
    h('button', { type: 'submit', class: 'button' }, t('settings.save')),
  );
  showView(app, navigation(), h('h1', {}, t('settings.heading')), form);
}

/** An address the booking site can load the logo from: http(s) or a path on the site (as the API checks). */
const logoUrlPattern = /^(https?:\/\/|\/)\S*$/;
/** The site uses the practice's colour only where white text on it meets WCAG AA (site/src/lib/colour.ts). */
const minimumBrandContrast = 4.5;

/**
 * The practice profile's logo and colour: an address checked as the API checks it, and a colour the
 * booking site uses only with enough contrast, which the console says as the colour is picked.
 * `read` gives the profile's part, or undefined (with the message at the field) when it is not valid.
 */
function profileFields(profile: Settings['profile']): {
  fields: HTMLElement[];
  read: () => { logoUrl: string | null; colour: string | null } | undefined;
} {
  const logoError = h('p', { class: 'error-text', id: 'f-logoUrl-error' });
  const logo = h('input', {
    type: 'text',
    name: 'logoUrl',
    value: profile.logoUrl ?? '',
    maxlength: 500,
    inputmode: 'url',
    'aria-describedby': 'f-logoUrl-hint f-logoUrl-error',
  });
  const useColour = checkbox(t('settings.profileColourOn'), 'profileColourOn', profile.colour !== null);
  const colour = h('input', {
    type: 'color',
    name: 'profileColour',
    value: (profile.colour ?? '#0b5cad').toLowerCase(),
    'aria-describedby': 'f-profileColour-contrast',
  });
  const contrast = h('p', { id: 'f-profileColour-contrast', 'aria-live': 'polite' });
  const colourOn = () => useColour.querySelector('input')!.checked;
  const showContrast = () => {
    const ratio = contrastWithWhite(colour.value);
    contrast.className = ratio < minimumBrandContrast && colourOn() ? 'error-text' : 'muted';
    contrast.textContent = !colourOn()
      ? t('settings.profileColourOff')
      : t(ratio < minimumBrandContrast ? 'settings.profileColourWeak' : 'settings.profileColourGood', {
          ratio: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(ratio),
        });
  };
  colour.addEventListener('input', showContrast);
  useColour.querySelector('input')!.addEventListener('change', showContrast);
  showContrast();
  return {
    fields: [
      field(t('settings.logoUrl'), logo),
      h('p', { class: 'muted', id: 'f-logoUrl-hint' }, t('settings.logoUrlHint')),
      logoError,
      useColour,
      field(t('settings.profileColour'), colour),
      contrast,
    ],
    read: () => {
      const address = logo.value.trim();
      const valid = address === '' || (address.length <= 500 && logoUrlPattern.test(address));
      logoError.textContent = valid ? '' : t('settings.logoUrlInvalid');
      logo.setAttribute('aria-invalid', String(!valid));
      if (!valid) {
        logo.focus();
        return undefined;
      }
      return { logoUrl: address || null, colour: colourOn() ? colour.value.toUpperCase() : null };
    },
  };
}

/** Times in the practice's zone, wherever the browser is (a laptop abroad, a tablet set to UTC). */
const timeFormat = () =>
  new Intl.DateTimeFormat(language, {
    timeZone: practiceZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
/** A yyyy-mm-dd date some days later. */
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);

async function bookingsView(): Promise<void> {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const requested = params.get('date') ?? '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(requested) ? requested : todayIn(practiceZone);
  const span = params.get('span') === 'week' ? 'week' : 'day';
  // The practice's days: from its midnight to its midnight (23 or 25 hours when the clocks change).
  const from = midnightIn(date, practiceZone);
  const to = midnightIn(plusDays(date, span === 'week' ? 7 : 1), practiceZone);
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), limit: '200' });
  const result = await call<{ bookings: StaffBooking[]; nextCursor: string | null }>(`/bookings?${query.toString()}`);
  const dateInput = h('input', { type: 'date', name: 'date', value: date });
  const go = (nextSpan: string) => () =>
    (location.hash = `#/bookings?date=${dateInput.value || date}&span=${nextSpan}`);
  const controls = h(
    'div',
    { class: 'admin-controls' },
    field(t('bookings.date'), dateInput),
    h(
      'button',
      { type: 'button', class: 'button secondary', 'aria-pressed': String(span === 'day'), onclick: go('day') },
      t('bookings.day'),
    ),
    h(
      'button',
      { type: 'button', class: 'button secondary', 'aria-pressed': String(span === 'week'), onclick: go('week') },
      t('bookings.week'),
    ),
  );
  if (!result.ok) {
    return showView(
      app,
      navigation(),
      h('h1', {}, t('bookings.heading')),
      controls,
      h('p', { class: 'error-text' }, failure(result)),
    );
  }
  const byPractitioner = new Map<string, StaffBooking[]>();
  for (const booking of result.data.bookings) {
    byPractitioner.set(booking.practitionerName, [...(byPractitioner.get(booking.practitionerName) ?? []), booking]);
  }
  const format = timeFormat();
  const tables = [...byPractitioner].map(([name, bookings]) =>
    h(
      'section',
      {},
      h('h2', {}, name),
      h(
        'table',
        { class: 'admin-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [t('bookings.time'), t('bookings.patient'), t('bookings.type'), t('bookings.status'), ''].map((c) =>
              h('th', { scope: 'col' }, c),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          bookings.map((b) =>
            h(
              'tr',
              {},
              h('td', {}, format.format(new Date(b.start))),
              h('td', {}, `${b.patient.lastName}, ${b.patient.firstName}`),
              h('td', {}, b.appointmentTypeName[language] ?? b.appointmentTypeName.de ?? ''),
              h('td', {}, statusText(b.status)),
              h('td', {}, h('a', { href: `#/booking/${b.bookingId}` }, t('bookings.open'))),
            ),
          ),
        ),
      ),
    ),
  );
  showView(
    app,
    navigation(),
    h('h1', {}, t('bookings.heading')),
    controls,
    tables.length > 0 ? tables : h('p', {}, t('bookings.none')),
  );
}

async function bookingView(id: string): Promise<void> {
  const result = await call<{ booking: StaffBooking; history: { at: string; what: string }[] }>(`/bookings/${id}`);
  if (!result.ok) return showView(app, navigation(), h('p', { class: 'error-text', role: 'alert' }, failure(result)));
  const { booking, history } = result.data;
  const format = timeFormat();
  const reason = h('input', { type: 'text', name: 'reason', required: true, maxlength: 500 });
  const status = h('p', { role: 'status' });
  const cancel =
    booking.status === 'confirmed'
      ? h(
          'form',
          {
            onsubmit: async (event: Event) => {
              event.preventDefault();
              const done = await call(`/bookings/${id}/cancel`, 'POST', { reason: reason.value });
              status.textContent = done.ok ? t('booking.cancelled') : failure(done);
            },
          },
          field(t('booking.reason'), reason),
          h('button', { type: 'submit', class: 'button danger' }, t('booking.cancel')),
        )
      : null;
  const p = booking.patient;
  showView(
    app,
    navigation(),
    h('h1', {}, `${t('booking.heading')}: ${format.format(new Date(booking.start))}`),
    h(
      'dl',
      {},
      h('dt', {}, t('bookings.patient')),
      h(
        'dd',
        {},
        `${p.lastName}, ${p.firstName}`,
        p.birthDate ? ` (${p.birthDate})` : '',
        p.email ? ` · ${p.email}` : '',
        p.phone ? ` · ${p.phone}` : '',
      ),
      h('dt', {}, t('bookings.type')),
      h(
        'dd',
        {},
        `${booking.appointmentTypeName[language] ?? booking.appointmentTypeName.de ?? ''} · ${booking.practitionerName}`,
      ),
      h('dt', {}, t('bookings.status')),
      h('dd', {}, statusText(booking.status)),
      h('dt', {}, t('booking.sync')),
      h('dd', { 'data-sync-state': booking.sync?.state ?? 'unknown' }, syncText(booking.sync ?? null, format)),
    ),
    h('h2', {}, t('booking.history')),
    h(
      'ul',
      {},
      history.map((step) => h('li', {}, `${format.format(new Date(step.at))}: ${statusText(step.what)}`)),
    ),
    cancel,
    status,
    patientDataSection(id),
    h('p', {}, h('a', { href: '#/bookings' }, t('booking.back'))),
  );
}

/** A booking's state in the practice system (pixelmedics-sync), as one sentence. */
function syncText(sync: BookingSyncState | null, format: Intl.DateTimeFormat): string {
  if (!sync) return t('sync.unknown');
  const error = sync.errorCode ? t(`syncError.${sync.errorCode}`) : '';
  const time = (at: string | null) => (at ? format.format(new Date(at)) : '');
  switch (sync.state) {
    case 'synced':
      return t('sync.synced', { time: time(sync.syncedAt) });
    case 'retrying':
      return t('sync.retrying', { error, attempts: sync.attempts, time: time(sync.nextAttemptAt) });
    case 'parked':
      return t('sync.parked', { error });
    case 'pending':
      return t('sync.pending');
  }
}

interface PatientErasure {
  bookingIds: string[];
  erased: {
    holdManager: { bookings: number };
    notification: { messages: number };
    pixelmedicsSync: { syncJobs: number };
  };
  pending: { notification: { webhookDeliveries: number }; pixelmedicsSync: { syncJobs: number } };
}

/** Saves a JSON answer as a file, the way a download link would. */
function download(data: unknown, filename: string): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = h('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the file only after the click has returned.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The patient's export (admin, staff) and erasure (admin) from one of their bookings (ADR 73).
 * Erasure asks first in a modal dialog, which opens with the focus on keeping the data.
 */
function patientDataSection(bookingId: string): HTMLElement {
  const status = h('p', { role: 'status' });
  const exportButton = h(
    'button',
    {
      type: 'button',
      class: 'button secondary',
      onclick: async () => {
        const result = await call<unknown>(`/bookings/${bookingId}/patient/export`);
        if (!result.ok) return void (status.textContent = failure(result));
        download(result.data, `patient-data-${bookingId}.json`);
        status.textContent = t('patientData.exported');
      },
    },
    t('patientData.export'),
  );
  if (user?.role !== 'admin') {
    return h(
      'section',
      {},
      h('h2', {}, t('patientData.heading')),
      h('p', {}, t('patientData.explain')),
      exportButton,
      status,
    );
  }
  const erase = async () => {
    dialog.close();
    const result = await call<PatientErasure>(`/bookings/${bookingId}/patient/erase`, 'POST', { confirm: 'erase' });
    if (!result.ok) {
      const waiting = result.details?.reason === 'events-pending';
      status.textContent =
        result.code === 'ERASURE_BLOCKED' ? t(waiting ? 'patientData.wait' : 'patientData.blocked') : failure(result);
      return;
    }
    const { erased, pending } = result.data;
    const stillPending = pending.notification.webhookDeliveries + pending.pixelmedicsSync.syncJobs;
    status.textContent = [
      t('patientData.erased', {
        bookings: erased.holdManager.bookings,
        messages: erased.notification.messages,
        syncJobs: erased.pixelmedicsSync.syncJobs,
      }),
      stillPending > 0 ? t('patientData.pending', { count: stillPending }) : '',
    ]
      .filter(Boolean)
      .join(' ');
  };
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'erase-heading', 'aria-describedby': 'erase-text' },
    h('h2', { id: 'erase-heading' }, t('patientData.confirmHeading')),
    h('p', { id: 'erase-text' }, t('patientData.confirmText')),
    h(
      'p',
      { class: 'admin-controls' },
      h(
        'button',
        { type: 'button', class: 'button secondary', autofocus: true, onclick: () => dialog.close() },
        t('patientData.keep'),
      ),
      h('button', { type: 'button', class: 'button danger', onclick: () => void erase() }, t('patientData.confirm')),
    ),
  );
  return h(
    'section',
    {},
    h('h2', {}, t('patientData.heading')),
    h('p', {}, t('patientData.explain')),
    h(
      'p',
      { class: 'admin-controls' },
      exportButton,
      h(
        'button',
        { type: 'button', class: 'button danger', 'aria-haspopup': 'dialog', onclick: () => dialog.showModal() },
        t('patientData.erase'),
      ),
    ),
    dialog,
    status,
  );
}

interface WeeklyHours {
  weekday: number;
  start: string;
  end: string;
}
interface Practitioner {
  id: string;
  displayName: string;
  active: boolean;
  sortOrder: number;
  resourceIds: string[];
  weeklyHours: WeeklyHours[];
}
interface AppointmentType {
  id: string;
  name: Partial<Record<Language, string>> & { de: string };
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  visitKinds: ('first' | 'followup')[];
  groupId: string | null;
  onlineBookable: boolean;
  sortOrder: number;
  practitionerIds: string[];
}
interface AppointmentGroup {
  id: string;
  name: Partial<Record<Language, string>> & { de: string };
  sortOrder: number;
}
/** A room, device or calendar; a practitioner linked to it occupies it with each booking (S6). */
interface Resource {
  id: string;
  name: string;
  kind: (typeof resourceKinds)[number];
}
const resourceKinds = ['room', 'device', 'calendar'] as const;
interface Absence {
  id: string;
  practitionerId: string | null;
  startsAt: string;
  endsAt: string;
  reason: string | null;
}
interface Catalogue {
  timeZone: string;
  managedByPracticeSystem: boolean;
  holidays: { country: string; region: string | null; closed: boolean };
  practitioners: Practitioner[];
  groups: AppointmentGroup[];
  appointmentTypes: AppointmentType[];
  resources: Resource[];
  absences: Absence[];
}

const weekdays = [1, 2, 3, 4, 5, 6, 7];
/** A weekday's name; 2024-01-01 was a Monday. */
const weekdayName = (weekday: number) =>
  new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, weekday)));
/** "08:00-12:00, 13:00-17:00" ⇄ intervals of one weekday; undefined when a part is not a time range. */
const hoursText = (hours: WeeklyHours[], weekday: number) =>
  hours
    .filter((h) => h.weekday === weekday)
    .map((h) => `${h.start}-${h.end}`)
    .join(', ');
function parseHours(text: string, weekday: number): WeeklyHours[] | undefined {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const hours = parts.map((part) => /^(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$/.exec(part));
  if (hours.some((match) => !match)) return undefined;
  const pad = (time: string) => time.padStart(5, '0');
  return hours.map((match) => ({ weekday, start: pad(match![1]!), end: pad(match![2]!) }));
}
const localDateTime = (value: string) => value.replace('T', ' ');

/** The catalogue: absences and closures first (the daily business), then types and practitioners. */
async function catalogueView(message = ''): Promise<void> {
  const result = await call<Catalogue>('/catalogue');
  if (!result.ok) return showView(app, navigation(), h('p', { class: 'error-text', role: 'alert' }, failure(result)));
  const c = result.data;
  const status = h('p', { role: 'status' }, message);
  const send = async (method: 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown) => {
    const saved = await call<Catalogue>(path, method, body);
    if (saved.ok) return catalogueView(t('settings.saved'));
    status.textContent = failure(saved);
  };
  const practitionerName = (id: string | null) =>
    id === null ? t('catalogue.wholePractice') : (c.practitioners.find((p) => p.id === id)?.displayName ?? id);
  const nameOf = (name: AppointmentType['name']) => name[language] || name.de;
  // The practice system keeps names, durations and who exists (ADR 83): shown, not edited, here.
  const kept = c.managedByPracticeSystem;

  // Absences and closures.
  const who = h(
    'select',
    { name: 'absenceWho', id: 'f-absenceWho' },
    h('option', { value: '' }, t('catalogue.wholePractice')),
    c.practitioners.filter((p) => p.active).map((p) => h('option', { value: p.id }, p.displayName)),
  );
  const from = h('input', { type: 'datetime-local', name: 'absenceFrom', required: true, step: 60 });
  const until = h('input', { type: 'datetime-local', name: 'absenceUntil', required: true, step: 60 });
  const reason = h('input', { type: 'text', name: 'absenceReason', maxlength: 200 });
  const absences = h(
    'section',
    {},
    h('h2', {}, t('catalogue.absences')),
    h('p', {}, t('catalogue.zone', { zone: c.timeZone })),
    c.absences.length === 0
      ? h('p', {}, t('catalogue.noAbsences'))
      : h(
          'table',
          { class: 'admin-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [t('catalogue.who'), t('catalogue.from'), t('catalogue.until'), t('catalogue.reason'), ''].map((x) =>
                h('th', { scope: 'col' }, x),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            c.absences.map((a) =>
              h(
                'tr',
                {},
                h('td', {}, practitionerName(a.practitionerId)),
                h('td', {}, localDateTime(a.startsAt)),
                h('td', {}, localDateTime(a.endsAt)),
                h('td', {}, a.reason ?? ''),
                h(
                  'td',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'button secondary',
                      'aria-label': `${t('catalogue.remove')}: ${practitionerName(a.practitionerId)} ${localDateTime(a.startsAt)}`,
                      onclick: () => send('DELETE', `/catalogue/absences/${a.id}`),
                    },
                    t('catalogue.remove'),
                  ),
                ),
              ),
            ),
          ),
        ),
    h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          void send('POST', '/catalogue/absences', {
            practitionerId: who.value || null,
            startsAt: from.value.slice(0, 16),
            endsAt: until.value.slice(0, 16),
            reason: reason.value.trim() || null,
          });
        },
      },
      h('p', { class: 'field' }, h('label', { for: 'f-absenceWho' }, t('catalogue.who')), who),
      field(t('catalogue.from'), from),
      field(t('catalogue.until'), until),
      field(t('catalogue.reason'), reason),
      h('button', { type: 'submit', class: 'button' }, t('catalogue.addAbsence')),
    ),
  );

  const holidays = checkbox(
    t('catalogue.holidays', { region: c.holidays.region ?? c.holidays.country }),
    'holidaysClosed',
    c.holidays.closed,
  );
  holidays
    .querySelector('input')!
    .addEventListener('change', (event) =>
      send('PUT', '/catalogue/holidays', { closed: (event.target as HTMLInputElement).checked }),
    );

  // Appointment types: names, duration, buffers, visit kinds, who offers them.
  const typeForm = (type: AppointmentType | undefined) => {
    const key = type ? `t-${type.id}` : 't-new';
    const id = h('input', { type: 'text', name: `${key}-id`, required: true, pattern: '[a-z0-9][a-z0-9._-]*' });
    const names = allLanguages.map((code) =>
      h('input', {
        type: 'text',
        name: `${key}-name-${code}`,
        value: type?.name[code] ?? '',
        required: code === 'de',
        readonly: kept && code === 'de',
      }),
    );
    const number = (name: string, value: number, min: number, max: number) =>
      h('input', { type: 'number', name: `${key}-${name}`, value, min, max, required: true });
    const duration = number('duration', type?.durationMinutes ?? 30, 5, 720);
    duration.readOnly = kept;
    const before = number('before', type?.bufferBeforeMinutes ?? 0, 0, 240);
    const after = number('after', type?.bufferAfterMinutes ?? 0, 0, 240);
    const kinds = (['first', 'followup'] as const).map((kind) =>
      checkbox(t(`catalogue.kind.${kind}`), `${key}-kind-${kind}`, type ? type.visitKinds.includes(kind) : true),
    );
    const offeredBy = c.practitioners.map((p) =>
      checkbox(p.displayName, `${key}-by-${p.id}`, type?.practitionerIds.includes(p.id) ?? false),
    );
    const online = checkbox(t('catalogue.online'), `${key}-online`, type?.onlineBookable ?? true);
    const group = h(
      'select',
      { name: `${key}-group`, id: `f-${key}-group` },
      h('option', { value: '' }, t('catalogue.noGroup')),
      c.groups.map((g) => h('option', { value: g.id, selected: type?.groupId === g.id }, nameOf(g.name))),
    );
    const isChecked = (box: HTMLElement) => box.querySelector('input')!.checked;
    return h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          const typeId = type?.id ?? id.value;
          void send('PUT', `/catalogue/appointment-types/${encodeURIComponent(typeId)}`, {
            name: Object.fromEntries(
              allLanguages.map((code, i) => [code, names[i]!.value.trim()]).filter(([, value]) => value),
            ),
            durationMinutes: Number(duration.value),
            bufferBeforeMinutes: Number(before.value),
            bufferAfterMinutes: Number(after.value),
            visitKinds: (['first', 'followup'] as const).filter((_, i) => isChecked(kinds[i]!)),
            groupId: group.value || null,
            onlineBookable: isChecked(online),
            sortOrder: type?.sortOrder ?? c.appointmentTypes.length,
            practitionerIds: c.practitioners.filter((_, i) => isChecked(offeredBy[i]!)).map((p) => p.id),
          });
        },
      },
      type ? null : field(t('catalogue.id'), id),
      allLanguages.map((code, i) => field(t('catalogue.name', { language: code.toUpperCase() }), names[i]!)),
      field(t('catalogue.duration'), duration),
      field(t('catalogue.bufferBefore'), before),
      field(t('catalogue.bufferAfter'), after),
      h('p', { class: 'field' }, h('label', { for: group.id }, t('catalogue.group')), group),
      h('fieldset', {}, h('legend', {}, t('catalogue.kinds')), kinds),
      h('fieldset', {}, h('legend', {}, t('catalogue.offeredBy')), offeredBy),
      online,
      h('button', { type: 'submit', class: 'button' }, t('settings.save')),
    );
  };

  // Practitioners: name, active, weekly hours per weekday.
  const practitionerForm = (p: Practitioner | undefined) => {
    const key = p ? `p-${p.id}` : 'p-new';
    const id = h('input', { type: 'text', name: `${key}-id`, required: true, pattern: '[a-z0-9][a-z0-9._-]*' });
    const name = h('input', {
      type: 'text',
      name: `${key}-name`,
      value: p?.displayName ?? '',
      required: true,
      readonly: kept,
    });
    const active = checkbox(t('catalogue.active'), `${key}-active`, p?.active ?? true);
    // The resources each of their bookings occupies too; the practice system keeps these links (ADR 83).
    const links = c.resources.map((r) => {
      const box = checkbox(r.name, `${key}-resource-${r.id}`, p?.resourceIds.includes(r.id) ?? false);
      box.querySelector('input')!.disabled = kept;
      return box;
    });
    const days = weekdays.map((weekday) =>
      h('input', {
        type: 'text',
        name: `${key}-day-${weekday}`,
        value: hoursText(p?.weeklyHours ?? [], weekday),
        placeholder: '08:00-12:00, 13:00-17:00',
      }),
    );
    return h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          const hours = weekdays.map((weekday, i) => parseHours(days[i]!.value, weekday));
          const bad = hours.findIndex((entry) => entry === undefined);
          if (bad >= 0) {
            status.textContent = t('catalogue.badHours', { day: weekdayName(weekdays[bad]!) });
            return;
          }
          const practitionerId = p?.id ?? id.value;
          void send('PUT', `/catalogue/practitioners/${encodeURIComponent(practitionerId)}`, {
            displayName: name.value.trim(),
            active: active.querySelector('input')!.checked,
            sortOrder: p?.sortOrder ?? c.practitioners.length,
            resourceIds: kept
              ? (p?.resourceIds ?? [])
              : c.resources.filter((_, i) => links[i]!.querySelector('input')!.checked).map((r) => r.id),
            weeklyHours: hours.flat(),
          });
        },
      },
      p ? null : field(t('catalogue.id'), id),
      field(t('settings.name'), name),
      active,
      c.resources.length > 0 ? h('fieldset', {}, h('legend', {}, t('catalogue.resourceLinks')), links) : null,
      h(
        'fieldset',
        {},
        h('legend', {}, t('catalogue.hours')),
        weekdays.map((weekday, i) => field(weekdayName(weekday), days[i]!)),
      ),
      h('button', { type: 'submit', class: 'button' }, t('settings.save')),
    );
  };
  // Appointment groups: names in the four languages and their order on the booking site.
  const groupForm = (group: AppointmentGroup | undefined) => {
    const key = group ? `g-${group.id}` : 'g-new';
    const id = h('input', { type: 'text', name: `${key}-id`, required: true, pattern: '[a-z0-9][a-z0-9._-]*' });
    const names = allLanguages.map((code) =>
      h('input', {
        type: 'text',
        name: `${key}-name-${code}`,
        value: group?.name[code] ?? '',
        required: code === 'de',
        maxlength: 200,
      }),
    );
    const order = h('input', {
      type: 'number',
      name: `${key}-order`,
      value: group?.sortOrder ?? c.groups.length,
      min: 0,
      max: 10000,
      required: true,
    });
    return h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          void send('PUT', `/catalogue/groups/${encodeURIComponent(group?.id ?? id.value)}`, {
            name: Object.fromEntries(
              allLanguages.map((code, i) => [code, names[i]!.value.trim()]).filter(([, value]) => value),
            ),
            sortOrder: Number(order.value),
          });
        },
      },
      group ? null : field(t('catalogue.id'), id),
      allLanguages.map((code, i) => field(t('catalogue.name', { language: code.toUpperCase() }), names[i]!)),
      field(t('catalogue.order'), order),
      h('button', { type: 'submit', class: 'button' }, t('settings.save')),
    );
  };

  // Resources: rooms, devices and calendars; kept by the practice system where it is master (ADR 83).
  const resourceForm = (resource: Resource | undefined) => {
    const key = resource ? `r-${resource.id}` : 'r-new';
    const id = h('input', { type: 'text', name: `${key}-id`, required: true, pattern: '[a-z0-9][a-z0-9._-]*' });
    const name = h('input', {
      type: 'text',
      name: `${key}-name`,
      value: resource?.name ?? '',
      required: true,
      maxlength: 200,
      readonly: kept,
    });
    const kind = h(
      'select',
      { name: `${key}-kind`, id: `f-${key}-kind`, disabled: kept },
      resourceKinds.map((k) =>
        h('option', { value: k, selected: (resource?.kind ?? 'room') === k }, t(`catalogue.kind.${k}`)),
      ),
    );
    const usedBy = c.practitioners.filter((p) => resource && p.resourceIds.includes(resource.id));
    return h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          void send('PUT', `/catalogue/resources/${encodeURIComponent(resource?.id ?? id.value)}`, {
            name: name.value.trim(),
            kind: kind.value,
          });
        },
      },
      resource ? null : field(t('catalogue.id'), id),
      field(t('settings.name'), name),
      h('p', { class: 'field' }, h('label', { for: kind.id }, t('catalogue.resourceKind')), kind),
      resource
        ? h(
            'p',
            {},
            usedBy.length > 0
              ? t('catalogue.linkedTo', { names: usedBy.map((p) => p.displayName).join(', ') })
              : t('catalogue.linkedToNobody'),
          )
        : null,
      kept ? null : h('button', { type: 'submit', class: 'button' }, t('settings.save')),
    );
  };
  const kindName = (k: string) =>
    (resourceKinds as readonly string[]).includes(k) ? t(`catalogue.kind.${k as Resource['kind']}`) : k;

  const entry = (summary: string, body: HTMLElement) => h('details', {}, h('summary', {}, summary), body);

  showView(
    app,
    navigation(),
    h('h1', {}, t('catalogue.heading')),
    kept ? h('p', { role: 'note' }, t('catalogue.managedByPracticeSystem')) : null,
    status,
    absences,
    h('section', {}, h('h2', {}, t('catalogue.holidaysHeading')), holidays),
    h(
      'section',
      {},
      h('h2', {}, t('catalogue.types')),
      c.appointmentTypes.map((type) => entry(`${nameOf(type.name)} · ${type.durationMinutes} min`, typeForm(type))),
      kept ? null : entry(t('catalogue.newType'), typeForm(undefined)),
    ),
    h(
      'section',
      {},
      h('h2', {}, t('catalogue.practitioners')),
      c.practitioners.map((p) =>
        entry(p.active ? p.displayName : `${p.displayName} (${t('catalogue.inactive')})`, practitionerForm(p)),
      ),
      kept ? null : entry(t('catalogue.newPractitioner'), practitionerForm(undefined)),
    ),
    h(
      'section',
      {},
      h('h2', {}, t('catalogue.groups')),
      h('p', { class: 'muted' }, t('catalogue.groupsHint')),
      [...c.groups].sort((a, b) => a.sortOrder - b.sortOrder).map((g) => entry(nameOf(g.name), groupForm(g))),
      entry(t('catalogue.newGroup'), groupForm(undefined)),
    ),
    h(
      'section',
      {},
      h('h2', {}, t('catalogue.resources')),
      h('p', { class: 'muted' }, t('catalogue.resourcesHint')),
      c.resources.map((r) => entry(`${r.name} · ${kindName(r.kind)}`, resourceForm(r))),
      kept ? null : entry(t('catalogue.newResource'), resourceForm(undefined)),
    ),
  );
}

interface ParkedSyncJob {
  seq: string;
  eventType: string;
  bookingId: string;
  attempts: number;
  lastError: string | null;
}
interface DeadLetters {
  services: {
    service: string;
    available: boolean;
    queues: {
      queue: string;
      parked: number;
      messages: { messageId?: string; type?: string; reason?: string; error?: string; attempts?: number }[];
    }[];
  }[];
}

function table(headings: string[], rows: HTMLElement[]): HTMLElement {
  return h(
    'table',
    { class: 'admin-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headings.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

/**
 * Work that stopped: booking events the practice system refused, and messages a service's
 * consumers gave up on. Each retry is carried out by the service that owns the work.
 */
async function operationsView(message = ''): Promise<void> {
  const [jobs, deadLetters] = await Promise.all([
    call<{ jobs: ParkedSyncJob[] }>('/parked-sync-jobs'),
    call<DeadLetters>('/dead-letters'),
  ]);
  const status = h('p', { role: 'status' }, message);
  const act = async (path: string, body: unknown, done: (data: Record<string, unknown>) => string) => {
    const result = await call<Record<string, unknown>>(path, 'POST', body);
    if (result.ok) return operationsView(done(result.data));
    status.textContent = failure(result);
  };
  const retry = (seq?: string) =>
    act('/parked-sync-jobs/retry', seq ? { seq } : {}, (data) =>
      t('operations.retried', { count: (data.retried as string[]).length }),
    );

  const syncJobs = !jobs.ok
    ? h('p', { class: 'error-text' }, failure(jobs))
    : jobs.data.jobs.length === 0
      ? h('p', {}, t('operations.noSyncJobs'))
      : h(
          'div',
          {},
          table(
            [t('operations.event'), t('operations.booking'), t('operations.attempts'), t('operations.error'), ''],
            jobs.data.jobs.map((job) =>
              h(
                'tr',
                {},
                h('td', {}, job.eventType),
                h('td', {}, h('a', { href: `#/booking/${job.bookingId}` }, job.bookingId.slice(0, 8))),
                h('td', {}, String(job.attempts)),
                h('td', {}, job.lastError ?? ''),
                h(
                  'td',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'button secondary',
                      'aria-label': `${t('operations.retry')}: ${job.eventType} ${job.bookingId.slice(0, 8)}`,
                      onclick: () => retry(job.seq),
                    },
                    t('operations.retry'),
                  ),
                ),
              ),
            ),
          ),
          h('button', { type: 'button', class: 'button', onclick: () => retry() }, t('operations.retryAll')),
        );

  const queues = !deadLetters.ok
    ? [h('p', { class: 'error-text' }, failure(deadLetters))]
    : deadLetters.data.services.flatMap((service) =>
        !service.available
          ? [h('p', { class: 'error-text' }, t('operations.unavailable', { service: service.service }))]
          : service.queues
              .filter((queue) => queue.parked > 0)
              .map((queue) =>
                h(
                  'section',
                  {},
                  h('h3', {}, `${queue.queue}: ${t('operations.parked', { count: queue.parked })}`),
                  table(
                    [t('operations.message'), t('operations.event'), t('operations.reason'), t('operations.error')],
                    queue.messages.map((m) =>
                      h(
                        'tr',
                        {},
                        h('td', {}, m.messageId ?? ''),
                        h('td', {}, m.type ?? ''),
                        h('td', {}, m.reason ?? ''),
                        h('td', {}, m.error ?? ''),
                      ),
                    ),
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'button',
                      'aria-label': `${t('operations.replay')}: ${queue.queue}`,
                      onclick: () =>
                        act('/dead-letters/replay', { service: service.service, queue: queue.queue }, (data) =>
                          t('operations.replayed', { count: Number(data.replayed), queue: queue.queue }),
                        ),
                    },
                    t('operations.replay'),
                  ),
                ),
              ),
      );

  showView(
    app,
    navigation(),
    h('h1', {}, t('operations.heading')),
    status,
    h('section', {}, h('h2', {}, t('operations.syncJobs')), h('p', {}, t('operations.syncJobsIntro')), syncJobs),
    h(
      'section',
      {},
      h('h2', {}, t('operations.deadLetters')),
      h('p', {}, t('operations.deadLettersIntro')),
      queues.length > 0 ? queues : h('p', {}, t('operations.noDeadLetters')),
    ),
  );
}

async function auditView(): Promise<void> {
  const result = await call<{
    entries: {
      at: string;
      accountEmail: string | null;
      action: string;
      target?: string;
      clientAddress: string | null;
    }[];
  }>('/audit?limit=200');
  if (!result.ok) return showView(app, navigation(), h('p', { class: 'error-text', role: 'alert' }, failure(result)));
  const format = timeFormat();
  showView(
    app,
    navigation(),
    h('h1', {}, t('audit.heading')),
    h(
      'table',
      { class: 'admin-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [t('audit.at'), t('audit.who'), t('audit.action'), t('audit.target'), t('audit.from')].map((c) =>
            h('th', { scope: 'col' }, c),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        result.data.entries.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, format.format(new Date(e.at))),
            h('td', {}, e.accountEmail ?? ''),
            h('td', {}, e.action),
            h('td', {}, e.target ?? ''),
            h('td', {}, e.clientAddress ?? ''),
          ),
        ),
      ),
    ),
  );
}

interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  personalData: 'none' | 'contact' | 'full';
  enabled: boolean;
  disabledReason: 'operator' | 'failing' | null;
  consecutiveFailures: number;
  previousSecretUntil: string | null;
  recentDeliveries: {
    eventType: string;
    status: string;
    attempts: number;
    lastHttpStatus: number | null;
    lastError: string | null;
    createdAt: string;
  }[];
}
const webhookEventTypes = [
  'booking.held',
  'booking.confirmed',
  'booking.changed',
  'booking.cancelled',
  'booking.expired',
];

/**
 * The practice's webhook endpoints (ADR 34): state and latest deliveries, add, switch on or off,
 * rotate the secret. A new secret is shown once, right after it was made.
 */
async function webhooksView(shownSecret?: { url: string; secret: string }, message = ''): Promise<void> {
  const result = await call<{ endpoints: WebhookEndpoint[] }>('/webhooks');
  if (!result.ok) return showView(app, navigation(), h('p', { class: 'error-text', role: 'alert' }, failure(result)));
  const format = timeFormat();
  const act = async (path: string, body?: unknown, url?: string) => {
    const done = await call<{ secret?: string }>(path, 'POST', body);
    if (!done.ok) return webhooksView(undefined, failure(done));
    const secret = done.data.secret;
    return webhooksView(secret && url ? { url, secret } : undefined, t('settings.saved'));
  };
  const state = (e: WebhookEndpoint) =>
    e.enabled
      ? t('webhooks.enabled')
      : t(e.disabledReason === 'failing' ? 'webhooks.disabledFailing' : 'webhooks.disabled');
  const endpoints = result.data.endpoints.map((e) =>
    h(
      'section',
      { class: 'webhook' },
      h('h2', {}, e.description || e.url),
      h(
        'p',
        {},
        `${e.url} · ${state(e)} · ${t('webhooks.personalData')}: ${t(`webhooks.level.${e.personalData}`)}`,
        e.consecutiveFailures > 0 ? ` · ${t('webhooks.failures', { count: e.consecutiveFailures })}` : '',
        e.previousSecretUntil
          ? ` · ${t('webhooks.previousSecretUntil', { at: format.format(new Date(e.previousSecretUntil)) })}`
          : '',
      ),
      h('p', {}, e.events.join(', ')),
      h(
        'p',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'button secondary',
            onclick: () => act(`/webhooks/${e.id}/${e.enabled ? 'disable' : 'enable'}`),
          },
          t(e.enabled ? 'webhooks.disable' : 'webhooks.enable'),
        ),
        ' ',
        h(
          'button',
          {
            type: 'button',
            class: 'button secondary',
            onclick: () => act(`/webhooks/${e.id}/rotate-secret`, { graceHours: 24 }, e.url),
          },
          t('webhooks.rotate'),
        ),
      ),
      e.recentDeliveries.length === 0
        ? h('p', { class: 'muted' }, t('webhooks.noDeliveries'))
        : h(
            'table',
            { class: 'admin-table' },
            h('caption', {}, t('webhooks.recent')),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [
                  t('audit.at'),
                  t('webhooks.event'),
                  t('webhooks.status'),
                  t('webhooks.attempts'),
                  t('webhooks.last'),
                ].map((c) => h('th', { scope: 'col' }, c)),
              ),
            ),
            h(
              'tbody',
              {},
              e.recentDeliveries.map((d) =>
                h(
                  'tr',
                  {},
                  h('td', {}, format.format(new Date(d.createdAt))),
                  h('td', {}, d.eventType),
                  h('td', {}, d.status),
                  h('td', {}, String(d.attempts)),
                  h('td', {}, d.lastError ?? (d.lastHttpStatus === null ? '' : String(d.lastHttpStatus))),
                ),
              ),
            ),
          ),
    ),
  );
  const url = h('input', { type: 'url', name: 'webhookUrl', required: true, maxlength: 2000 });
  const description = h('input', { type: 'text', name: 'webhookDescription', maxlength: 500 });
  const level = h(
    'select',
    { name: 'personalData', id: 'f-personalData' },
    (['none', 'contact', 'full'] as const).map((l) => h('option', { value: l }, t(`webhooks.level.${l}`))),
  );
  const form: HTMLFormElement = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const data = new FormData(form);
        const events = webhookEventTypes.filter((type) => data.has(`event-${type}`));
        await act(
          '/webhooks',
          { url: url.value.trim(), description: description.value.trim(), events, personalData: level.value },
          url.value.trim(),
        );
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, t('webhooks.add')),
      field(t('webhooks.url'), url),
      field(t('webhooks.description'), description),
      webhookEventTypes.map((type) => checkbox(type, `event-${type}`, true)),
      h('p', { class: 'field' }, h('label', { for: level.id }, t('webhooks.personalData')), level),
    ),
    h('button', { type: 'submit', class: 'button' }, t('webhooks.addButton')),
  );
  showView(
    app,
    navigation(),
    h('h1', {}, t('webhooks.heading')),
    message ? h('p', { role: 'status' }, message) : null,
    shownSecret
      ? h(
          'div',
          { class: 'warning', role: 'alert' },
          h('p', {}, t('webhooks.secretOnce', { url: shownSecret.url })),
          h('p', {}, h('code', {}, shownSecret.secret)),
        )
      : null,
    endpoints.length ? endpoints : h('p', { class: 'muted' }, t('webhooks.none')),
    form,
  );
}

async function render(): Promise<void> {
  document.documentElement.lang = language;
  document.title = t('title');
  clearAnnouncements();
  if (!user) {
    const session = await api<{ csrfToken: string; user: User }>('/admin/session');
    if (!session.ok) return signInView();
    csrfToken = session.data.csrfToken;
    user = session.data.user;
  }
  if (!practiceZoneKnown) {
    const practice = await api<{ timeZone: string }>('/practice');
    if (practice.ok) {
      practiceZone = practice.data.timeZone;
      practiceZoneKnown = true;
    }
  }
  const route = location.hash;
  if (route.startsWith('#/booking/')) return bookingView(route.slice('#/booking/'.length));
  if (route.startsWith('#/waitlist')) return waitlistView({ app, language, practiceZone, call, failure, navigation });
  if (route.startsWith('#/settings') && user.role === 'admin') return settingsView();
  if (route.startsWith('#/audit') && user.role === 'admin') return auditView();
  if (route.startsWith('#/catalogue') && user.role === 'admin') return catalogueView();
  if (route.startsWith('#/webhooks') && user.role === 'admin') return webhooksView();
  if (route.startsWith('#/operations') && user.role === 'admin') return operationsView();
  return bookingsView();
}

window.addEventListener('hashchange', () => void render());
void render();
