import { api } from '../../lib/api.js';
import { announce, h, showView } from '../../lib/dom.js';
import { type PageContext, answerOf, bookingLink, errorKey, startPage } from '../../lib/page.js';
import { isInvalidLink, linkToken, plausibleToken } from './link-token.js';

type Left = { entryId: string; status: 'left' | 'booked' | 'removed' | 'expired' };
let left: Left | undefined;

/**
 * Leaving the waiting list by link (ADR 26). Opening the page changes nothing — a mail program
 * that opens links to check them must not take a patient off the list — the button does.
 */
void startPage((context) => {
  const { t, app, practice } = context;
  const heading = t('waitlistLeave.heading');
  document.title = `${heading} – ${practice.name}`;
  if (left) {
    showLeft(context, left);
    return;
  }
  if (!plausibleToken) {
    showView(app, h('h1', {}, heading), h('p', { class: 'error-text', role: 'alert' }, t('confirm.invalid')));
    return;
  }
  const button = h('button', { type: 'button', class: 'button' }, t('waitlistLeave.button'));
  button.addEventListener('click', () => {
    button.disabled = true;
    void leave(context);
  });
  showView(app, h('h1', {}, heading), h('p', {}, t('waitlistLeave.body')), h('p', { class: 'nav' }, button));
});

async function leave(context: PageContext): Promise<void> {
  const { t, app } = context;
  const heading = t('waitlistLeave.heading');
  const result = await answerOf(context, heading, () =>
    api<Left>('/waitlist/leave', { method: 'POST', body: { token: linkToken } }),
  );
  if (result.ok) {
    left = result.data;
    showLeft(context, result.data);
    return;
  }
  const message = isInvalidLink(result.code) ? t('confirm.invalid') : t(errorKey(result.code));
  announce(message, 'error');
  showView(app, h('h1', {}, heading), h('p', { class: 'error-text', role: 'alert' }, message));
}

function showLeft(context: PageContext, outcome: Left): void {
  const { t, app, language } = context;
  const sentence =
    outcome.status === 'left'
      ? t('waitlistLeave.done')
      : outcome.status === 'booked'
        ? t('waitlistLeave.booked')
        : t('waitlistLeave.ended');
  showView(
    app,
    h('h1', {}, t('waitlistLeave.heading')),
    h('p', { class: 'success', role: 'status' }, sentence),
    bookingLink({ language }, t('confirm.bookAgain')),
  );
}
