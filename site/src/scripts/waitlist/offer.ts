import type { WaitlistOffer } from '@otk/contracts';
import { api } from '../../lib/api.js';
import { announce, h, showView } from '../../lib/dom.js';
import { localized } from '../../lib/i18n.js';
import { type PageContext, answerOf, bookingLink, errorKey, startPage } from '../../lib/page.js';
import { isInvalidLink, linkToken, plausibleToken } from './link-token.js';

type OfferView = WaitlistOffer & { state: 'open' | 'gone' | 'booked'; onList: boolean };
type Booked = { bookingId: string; status: 'confirmed'; alreadyBooked: boolean };

/** What happened on this page: the offer as shown, then its booking or its loss. */
let offer: Promise<Awaited<ReturnType<typeof loadOffer>>> | undefined;
let outcome: 'booked' | 'gone' | undefined;

function loadOffer(context: PageContext) {
  return answerOf(context, context.t('waitlistOffer.heading'), () =>
    api<OfferView>(`/waitlist/offer?token=${encodeURIComponent(linkToken)}`),
  );
}

/**
 * A freed slot offered to a waiting patient (ADR 26). Opening the link only shows it (a mail
 * program that opens links books nothing); "book" takes it through the normal hold path. Whoever
 * is first gets it; the others are told politely and stay on the list.
 */
void startPage(async (context) => {
  const { t, app, practice } = context;
  const heading = t('waitlistOffer.heading');
  document.title = `${heading} – ${practice.name}`;
  if (!plausibleToken) {
    showInvalid(context);
    return;
  }
  if (outcome) {
    showOutcome(context, outcome);
    return;
  }
  showView(app, h('h1', {}, heading), h('p', { role: 'status' }, t('waitlistOffer.loading')));
  offer ??= loadOffer(context);
  const result = await offer;
  if (!result.ok) {
    if (isInvalidLink(result.code)) showInvalid(context);
    else showView(app, h('h1', {}, heading), h('p', { class: 'error-text', role: 'alert' }, t(errorKey(result.code))));
    return;
  }
  if (result.data.state !== 'open') {
    showOutcome(context, result.data.state, result.data.onList);
    return;
  }
  showOpenOffer(context, result.data);
});

function showOpenOffer(context: PageContext, view: OfferView): void {
  const { t, app, fmt, language } = context;
  const button = h('button', { type: 'button', class: 'button' }, t('waitlistOffer.book'));
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = t('waitlistOffer.booking');
    announce(t('waitlistOffer.booking'));
    void book(context);
  });
  showView(
    app,
    h('h1', {}, t('waitlistOffer.heading')),
    h('p', {}, t('waitlistOffer.body')),
    h(
      'dl',
      { class: 'summary' },
      h('div', { class: 'summary-row' }, h('dt', {}, t('summary.when')), h('dd', {}, fmt.dateTime(view.start))),
      h(
        'div',
        { class: 'summary-row' },
        h('dt', {}, t('summary.appointment')),
        h('dd', {}, localized(view.appointmentTypeName, language)),
      ),
      h('div', { class: 'summary-row' }, h('dt', {}, t('summary.practitioner')), h('dd', {}, view.practitionerName)),
    ),
    h('p', { class: 'nav' }, button),
  );
}

async function book(context: PageContext): Promise<void> {
  const { t, app } = context;
  const result = await answerOf(context, t('waitlistOffer.heading'), () =>
    api<Booked>('/waitlist/offer/accept', { method: 'POST', body: { token: linkToken } }),
  );
  if (result.ok) {
    outcome = 'booked';
    showOutcome(context, 'booked');
    return;
  }
  if (result.code === 'OFFER_GONE') {
    outcome = 'gone';
    showOutcome(context, 'gone', result.details?.onList !== false);
    return;
  }
  if (isInvalidLink(result.code)) {
    showInvalid(context);
    return;
  }
  const message = t(errorKey(result.code));
  announce(message, 'error');
  showView(app, h('h1', {}, t('waitlistOffer.heading')), h('p', { class: 'error-text', role: 'alert' }, message));
}

function showOutcome(context: PageContext, state: 'booked' | 'gone', onList = true): void {
  const { t, app, language } = context;
  if (state === 'booked') {
    showView(
      app,
      h('h1', {}, t('waitlistOffer.bookedHeading')),
      h('p', { class: 'success', role: 'status' }, t('waitlistOffer.bookedBody')),
    );
    return;
  }
  announce(t('waitlistOffer.goneHeading'));
  showView(
    app,
    h('h1', {}, t('waitlistOffer.goneHeading')),
    h('p', { role: 'status' }, t(onList ? 'waitlistOffer.goneBody' : 'waitlistOffer.goneOffList')),
    bookingLink({ language }, t('confirm.bookAgain')),
  );
}

function showInvalid(context: PageContext): void {
  const { t, app, language } = context;
  showView(
    app,
    h('h1', {}, t('waitlistOffer.heading')),
    h('p', { class: 'error-text', role: 'alert' }, t('confirm.invalid')),
    bookingLink({ language }, t('confirm.bookAgain')),
  );
}
