import de from '../i18n/admin/de.json';
import en from '../i18n/admin/en.json';
import fr from '../i18n/admin/fr.json';
import it from '../i18n/admin/it.json';
import { type ApiResult, api } from '../lib/api.js';
import { clearAnnouncements, h, showView } from '../lib/dom.js';
import { type Language, allLanguages, pickLanguage } from '../lib/i18n.js';

/**
 * The practice console (/admin): sign-in, settings, bookings by day or week, a booking with its
 * cancel, and the audit log. Its own bundle: no patient page loads it. Staff texts are bundled
 * here in all four languages (a few KB), apart from the patient pages' texts.
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
}
interface Settings {
  confirmationWindowMinutes: number;
  cancellationDeadlineHours: number;
  staffCopies: { enabled: boolean; addresses: string[] };
  onlineColour: string;
  bookingHorizonDays: number;
  minimumNoticeMinutes: number;
  steps: { visitKind: boolean; appointmentGroup: boolean };
  smsEnabled: boolean;
  profile: { name: string; address: string; phone: string | null };
}

let csrfToken = '';
let user: User | undefined;
const app = document.getElementById('app')!;

function call<T>(path: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE' = 'GET', body?: unknown) {
  return api<T>(`/admin${path}`, { method, body, headers: csrfToken ? { 'x-otk-csrf': csrfToken } : {} });
}

/** Turns a refusal into a sentence; an ended session leads back to the sign-in form. */
function failure(result: Extract<ApiResult<never>, { ok: false }>): string {
  if (result.code === 'UNAUTHENTICATED') {
    user = undefined;
    void render();
  }
  if (result.code === 'FORBIDDEN') return t('error.forbidden');
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
          location.hash = user.role === 'admin' ? '#/settings' : '#/bookings';
          void render();
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
  const links: [string, Key][] = [['#/bookings', 'nav.bookings']];
  if (user?.role === 'admin') links.push(['#/settings', 'nav.settings'], ['#/audit', 'nav.audit']);
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
      links.map(([href, key]) =>
        h('li', {}, h('a', { href, 'aria-current': location.hash === href ? 'page' : null }, t(key))),
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
  const status = h('p', { role: 'status' });
  const form: HTMLFormElement = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const data = new FormData(form);
        const int = (name: string) => Number(data.get(name));
        const patch = {
          confirmationWindowMinutes: int('confirmationWindowMinutes'),
          cancellationDeadlineHours: int('cancellationDeadlineHours'),
          bookingHorizonDays: int('bookingHorizonDays'),
          minimumNoticeMinutes: int('minimumNoticeMinutes'),
          steps: { visitKind: data.has('visitKind'), appointmentGroup: data.has('appointmentGroup') },
          smsEnabled: data.has('smsEnabled'),
          staffCopies: {
            enabled: data.has('staffCopies'),
            addresses: addresses.value
              .split('\n')
              .map((line) => line.trim())
              .filter(Boolean),
          },
          onlineColour: String(data.get('onlineColour')).toUpperCase(),
          profile: {
            name: String(data.get('name')),
            address: String(data.get('address')),
            phone: String(data.get('phone')) || null,
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
      checkbox(t('settings.stepVisitKind'), 'visitKind', s.steps.visitKind),
      checkbox(t('settings.stepGroup'), 'appointmentGroup', s.steps.appointmentGroup),
      checkbox(t('settings.sms'), 'smsEnabled', s.smsEnabled),
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
    ),
    status,
    h('button', { type: 'submit', class: 'button' }, t('settings.save')),
  );
  showView(app, navigation(), h('h1', {}, t('settings.heading')), form);
}

/** Local midnight of a yyyy-mm-dd date in the browser's zone (the reception desk's). */
const localDay = (date: string) => new Date(`${date}T00:00:00`);
/** Times of bookings in the practice's zone (the bookings carry it); the audit log in the browser's. */
const timeFormat = (timeZone?: string) =>
  new Intl.DateTimeFormat(language, {
    ...(timeZone ? { timeZone } : {}),
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });

async function bookingsView(): Promise<void> {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const date = params.get('date') ?? new Date().toLocaleDateString('sv');
  const span = params.get('span') === 'week' ? 'week' : 'day';
  const from = localDay(date);
  const to = new Date(from.getTime() + (span === 'week' ? 7 : 1) * 86400_000);
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
  const format = timeFormat(result.data.bookings[0]?.timeZone);
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
  const format = timeFormat(booking.timeZone);
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
    ),
    h('h2', {}, t('booking.history')),
    h(
      'ul',
      {},
      history.map((step) => h('li', {}, `${format.format(new Date(step.at))}: ${statusText(step.what)}`)),
    ),
    cancel,
    status,
    h('p', {}, h('a', { href: '#/bookings' }, t('booking.back'))),
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
  const route = location.hash;
  if (route.startsWith('#/booking/')) return bookingView(route.slice('#/booking/'.length));
  if (route.startsWith('#/settings') && user.role === 'admin') return settingsView();
  if (route.startsWith('#/audit') && user.role === 'admin') return auditView();
  return bookingsView();
}

window.addEventListener('hashchange', () => void render());
void render();
