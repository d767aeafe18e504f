import { api } from '../lib/api.js';
import { h, showView } from '../lib/dom.js';
import { answerOf, bookingLink, startPage } from '../lib/page.js';

/** The link token from the message, read from the address (…/confirm?token=…). */
const token = new URL(location.href).searchParams.get('token') ?? '';
let outcome: ReturnType<typeof confirmOnce> | undefined;

function confirmOnce() {
  return api<{ bookingId: string; status: 'confirmed'; alreadyConfirmed: boolean }>('/bookings/confirm', {
    method: 'POST',
    body: { token },
  });
}

/**
 * F8: opening the link confirms (stage 2 of the double opt-in). The request is sent once per page
 * view; a language switch only redraws the answer.
 */
void startPage(async (context) => {
  const { t, app, practice } = context;
  document.title = `${t('confirm.heading')} – ${practice.name}`;
  showView(app, h('h1', {}, t('confirm.heading')), h('p', { role: 'status' }, t('confirm.working')));
  // Confirming twice is harmless (the second answer says "already confirmed"), so retrying is safe.
  outcome ??=
    token.length >= 22
      ? answerOf(context, t('confirm.heading'), confirmOnce)
      : Promise.resolve({ ok: false, code: 'TOKEN_INVALID', status: 404 } as const);
  const result = await outcome;
  const { language } = context;
  const bookAgain = bookingLink({ language }, t('confirm.bookAgain'));
  if (result.ok) {
    const headline = result.data.alreadyConfirmed ? t('confirm.already') : t('confirm.done');
    showView(app, h('h1', {}, headline), h('p', { class: 'success' }, t('confirm.doneBody')));
    return;
  }
  const message =
    result.code === 'HOLD_EXPIRED'
      ? t('confirm.expired')
      : result.code === 'TOKEN_INVALID' || result.code === 'NOT_FOUND' || result.code === 'VALIDATION_FAILED'
        ? t('confirm.invalid')
        : t(`error.${result.code}` as 'error.UNKNOWN');
  showView(app, h('h1', {}, t('confirm.heading')), h('p', { class: 'error-text', role: 'alert' }, message), bookAgain);
});
