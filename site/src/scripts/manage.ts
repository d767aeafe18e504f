import type { BookingView, CatalogueView } from '@otk/contracts';
import { api } from '../lib/api.js';
import { announce, h, showView } from '../lib/dom.js';
import { localized } from '../lib/i18n.js';
import { bookingLink, errorKey, type PageContext, startPage } from '../lib/page.js';
import { type Slot, slotPicker } from '../lib/slot-picker.js';

const token = new URL(location.href).searchParams.get('token') ?? '';
let booking: BookingView | undefined;
/** What the page shows: the booking, the new-time picker, the cancel question, or an outcome. */
let mode: 'view' | 'change' | 'cancel' = 'view';
let notice: string | undefined;
let context: PageContext;

const retriable = ['NETWORK', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL'];

async function load(): Promise<void> {
  const { t, app } = context;
  showView(app, h('h1', {}, t('manage.heading')), h('p', { role: 'status' }, t('manage.loading')));
  if (token.length < 22) return failed('TOKEN_INVALID');
  const result = await api<BookingView>(`/bookings/manage?token=${encodeURIComponent(token)}`);
  if (!result.ok) return failed(result.code);
  booking = result.data;
  render();
}

function failed(code: string, retry: () => void = () => void load()): void {
  const { t, app } = context;
  const message = code === 'TOKEN_INVALID' || code === 'NOT_FOUND' ? t('manage.invalid') : t(errorKey(code));
  announce(message, 'error');
  showView(
    app,
    h('h1', {}, t('manage.heading')),
    h('p', { class: 'error-text' }, message),
    retriable.includes(code)
      ? h('button', { type: 'button', class: 'button', onclick: retry }, t('nav.retry'))
      : bookingLink(context, t('manage.bookAgain')),
  );
}

function details(b: BookingView): HTMLElement {
  const { t, fmt, language } = context;
  const row = (label: string, value: string) =>
    h('div', { class: 'summary-row' }, h('dt', {}, label), h('dd', {}, value));
  return h(
    'dl',
    { class: 'summary' },
    row(t('manage.what'), localized(b.appointmentTypeName, language)),
    row(t('manage.who'), b.practitionerName),
    row(t('manage.when'), fmt.dateTime(b.start)),
    row(t('manage.status'), t(`manage.status.${b.status}`)),
  );
}

function deadlineText(b: BookingView): string {
  const { t, fmt, practice } = context;
  const time = fmt.dateTime(b.changeableUntil);
  const phone = practice.phone;
  return phone ? t('manage.deadlinePassedPhone', { time, phone }) : t('manage.deadlinePassed', { time });
}

function render(): void {
  const { t, app, practice } = context;
  const b = booking!;
  document.title = `${t('manage.heading')} – ${practice.name}`;
  const notes = notice ? h('p', { class: 'success', role: 'status' }, notice) : null;
  if (mode === 'change') {
    void renderChange(b);
    return;
  }
  const actions =
    b.status !== 'confirmed'
      ? b.status === 'held'
        ? null
        : // Cancelled, expired or withdrawn: the way to a new appointment.
          bookingLink(context, t('manage.bookAgain'))
      : b.changeable
        ? mode === 'cancel'
          ? h(
              'div',
              { class: 'ask', role: 'group', 'aria-labelledby': 'cancel-ask' },
              h('h2', { id: 'cancel-ask' }, t('manage.cancelAsk')),
              h(
                'p',
                { class: 'actions' },
                h(
                  'button',
                  { type: 'button', class: 'button danger', onclick: () => void cancel() },
                  t('manage.cancelYes'),
                ),
                h(
                  'button',
                  { type: 'button', class: 'button secondary', onclick: () => ((mode = 'view'), render()) },
                  t('manage.cancelNo'),
                ),
              ),
            )
          : h(
              'div',
              {},
              h('p', {}, t('manage.changeableUntil', { time: context.fmt.dateTime(b.changeableUntil) })),
              h(
                'p',
                { class: 'actions' },
                h(
                  'button',
                  { type: 'button', class: 'button', onclick: () => ((mode = 'change'), render()) },
                  t('manage.change'),
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button secondary',
                    onclick: () => ((mode = 'cancel'), (notice = undefined), render()),
                  },
                  t('manage.cancel'),
                ),
              ),
            )
        : h('p', { class: 'warning', role: 'note' }, deadlineText(b));
  showView(app, h('h1', {}, t('manage.heading')), notes, details(b), actions);
  if (mode === 'cancel') document.getElementById('cancel-ask')?.focus();
}

async function renderChange(b: BookingView): Promise<void> {
  const { t, app, fmt } = context;
  const catalogue = await api<CatalogueView>('/catalogue');
  const names = catalogue.ok ? catalogue.data.practitioners : [];
  const confirmBox = h('div', { class: 'change-confirm' });
  const pick = (slot: Slot) => {
    confirmBox.replaceChildren(
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', class: 'button', onclick: () => void change(slot) },
          t('manage.changeTo', { when: fmt.dateTime(slot.start) }),
        ),
      ),
    );
    confirmBox.querySelector('button')?.focus();
  };
  showView(
    app,
    h('h1', {}, t('manage.changeHeading')),
    h('div', { id: 'flow-error', class: 'error-box', hidden: true }),
    details(b),
    slotPicker(context, {
      appointmentTypeId: b.appointmentTypeId,
      practitionerId: b.practitionerId,
      practitionerName: (id) => names.find((p) => p.id === id)?.displayName ?? id,
      onPick: pick,
    }),
    confirmBox,
    h(
      'p',
      {},
      h(
        'button',
        { type: 'button', class: 'button secondary', onclick: () => ((mode = 'view'), render()) },
        t('manage.keep'),
      ),
    ),
  );
}

async function change(slot: Slot): Promise<void> {
  const result = await api<BookingView>('/bookings/change', {
    method: 'POST',
    body: { token, start: slot.start, practitionerId: slot.practitionerId },
  });
  if (!result.ok) return actionFailed(result.code, () => void change(slot));
  booking = result.data;
  mode = 'view';
  notice = context.t('manage.changed', { when: context.fmt.dateTime(result.data.start) });
  render();
  announce(notice);
}

async function cancel(): Promise<void> {
  const result = await api<{ bookingId: string; status: 'cancelled' }>('/bookings/cancel', {
    method: 'POST',
    body: { token },
  });
  if (!result.ok) return actionFailed(result.code, () => void cancel());
  booking = { ...booking!, status: 'cancelled', changeable: false };
  mode = 'view';
  notice = context.t('manage.cancelled');
  render();
  announce(notice);
}

function actionFailed(code: string, retry: () => void): void {
  const { t } = context;
  if (code === 'CANCELLATION_DEADLINE_PASSED' && booking) {
    booking = { ...booking, changeable: false };
    mode = 'view';
    notice = undefined;
    render();
    announce(deadlineText(booking), 'error');
    return;
  }
  const message = t(errorKey(code));
  announce(message, 'error');
  const box = document.getElementById('flow-error');
  if (box) {
    box.replaceChildren(
      ...[
        h('p', {}, message),
        retriable.includes(code)
          ? h('button', { type: 'button', class: 'button secondary', onclick: retry }, t('nav.retry'))
          : null,
      ].filter((node) => node !== null),
    );
    box.hidden = false;
  } else {
    notice = message;
    render();
  }
}

void startPage((ctx) => {
  context = ctx;
  if (booking) render();
  else void load();
});
