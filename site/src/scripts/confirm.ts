import { api } from '../lib/api.js';
import { announce, h, showView } from '../lib/dom.js';
import { bookingLink, startPage } from '../lib/page.js';

/** The link token from the message, read from the address (…/confirm?token=…). */
const token = new URL(location.href).searchParams.get('token') ?? '';
let outcome: Promise<Awaited<ReturnType<typeof confirmOnce>>> | undefined;

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
void startPage(async ({ t, app, practice, language }) => {
  document.title = `${t('confirm.heading')} – ${practice.name}`;
  showView(app, h('h1', {}, t('confirm.heading')), h('p', { role: 'status' }, t('confirm.working')));
  outcome ??=
    token.length >= 22 ? confirmOnce() : Promise.resolve({ ok: false, code: 'TOKEN_INVALID', status: 404 } as const);
  let result = await outcome;
  if (!result.ok && ['NETWORK', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL'].includes(result.code)) {
    // Confirming twice is harmless (the second answer says "already confirmed"), so retrying is safe.
    const message = t(`error.${result.code}` as 'error.NETWORK');
    announce(message, 'error');
    await new Promise<void>((resolve) =>
      showView(
        app,
        h('h1', {}, t('confirm.heading')),
        h('p', { class: 'error-text' }, message),
        h('button', { type: 'button', class: 'button', onclick: () => resolve() }, t('nav.retry')),
      ),
    );
    outcome = confirmOnce();
    result = await outcome;
  }
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
