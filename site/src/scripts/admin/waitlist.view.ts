import type { StaffWaitlistEntry } from '@otk/contracts';
import de from '../../i18n/admin-waitlist/de.json';
import en from '../../i18n/admin-waitlist/en.json';
import fr from '../../i18n/admin-waitlist/fr.json';
import it from '../../i18n/admin-waitlist/it.json';
import type { ApiResult } from '../../lib/api.js';
import { h, showView } from '../../lib/dom.js';
import type { Language } from '../../lib/i18n.js';

type Key = keyof typeof en;
const texts: Record<Language, Record<Key, string>> = { de, fr, it, en };

/** What the console lends its views: its calls (session and CSRF token), its frame and the practice's zone. */
export interface ConsoleParts {
  app: HTMLElement;
  language: Language;
  practiceZone: string;
  call<T>(path: string, method?: 'GET' | 'POST', body?: unknown): Promise<ApiResult<T>>;
  failure(result: Extract<ApiResult<never>, { ok: false }>): string;
  navigation(): HTMLElement;
}

/** The waiting list's texts in the staff member's language. */
export function waitlistText(language: Language, key: Key): string {
  return texts[language][key];
}

/**
 * The practice's waiting list (ADR 26): who waits for what, in order of joining, and taking an
 * entry off the list with a reason. The gateway records every read and removal in the audit log.
 */
export async function waitlistView(parts: ConsoleParts, message = ''): Promise<void> {
  const { app, language } = parts;
  const t = (key: Key) => waitlistText(language, key);
  const showEnded = new URLSearchParams(location.hash.split('?')[1] ?? '').get('ended') === '1';
  const query = showEnded ? '?status=pending,waiting,booked,left,removed,expired' : '';
  const result = await parts.call<{ entries: StaffWaitlistEntry[] }>(`/waitlist${query}`);
  const toggle = h('input', {
    type: 'checkbox',
    id: 'f-ended',
    checked: showEnded,
    onchange: () => (location.hash = toggle.checked ? '#/waitlist?ended=1' : '#/waitlist'),
  });
  const controls = h('p', { class: 'field' }, h('label', { for: 'f-ended' }, toggle, ' ', t('showEnded')));
  if (!result.ok) {
    return showView(
      app,
      parts.navigation(),
      h('h1', {}, t('heading')),
      h('p', { class: 'error-text', role: 'alert' }, parts.failure(result)),
    );
  }
  const entries = result.data.entries;
  const status = h('p', { role: 'status' }, message);
  const when = new Intl.DateTimeFormat(language, {
    timeZone: parts.practiceZone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const day = new Intl.DateTimeFormat(language, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
  const dayOf = (date: string) => day.format(new Date(`${date}T00:00:00Z`));
  const removeForm = (entry: StaffWaitlistEntry) => {
    if (entry.status !== 'pending' && entry.status !== 'waiting') return '';
    const reason = h('input', {
      type: 'text',
      name: 'reason',
      required: true,
      maxlength: 500,
      placeholder: t('reason'),
      'aria-label': `${t('reason')}: ${entry.patient.lastName}, ${entry.patient.firstName}`,
    });
    return h(
      'form',
      {
        class: 'admin-controls',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const done = await parts.call(`/waitlist/${entry.entryId}/remove`, 'POST', { reason: reason.value });
          if (!done.ok) {
            status.textContent = parts.failure(done);
            return;
          }
          await waitlistView(parts, t('removed'));
        },
      },
      reason,
      h('button', { type: 'submit', class: 'button danger' }, t('remove')),
    );
  };
  const table = h(
    'table',
    { class: 'admin-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [t('joined'), t('patient'), t('contact'), t('wants'), t('days'), t('status'), t('offers'), ''].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      entries.map((entry) =>
        h(
          'tr',
          {},
          h('td', {}, when.format(new Date(entry.joinedAt))),
          h('td', {}, `${entry.patient.lastName}, ${entry.patient.firstName}`),
          h('td', {}, entry.patient.email ?? entry.patient.phone ?? ''),
          h(
            'td',
            {},
            `${entry.appointmentTypeName[language] ?? entry.appointmentTypeName.de} · ${entry.practitionerName ?? t('any')}`,
          ),
          h('td', {}, `${dayOf(entry.firstDay)} – ${dayOf(entry.lastDay)}`),
          h('td', {}, t(`status.${entry.status}`)),
          h('td', {}, String(entry.offers)),
          h('td', {}, removeForm(entry)),
        ),
      ),
    ),
  );
  showView(
    app,
    parts.navigation(),
    h('h1', {}, t('heading')),
    controls,
    status,
    entries.length > 0 ? table : h('p', {}, t('none')),
  );
}
