import { type ApiResult, api } from '../../lib/api.js';
import { h, showView } from '../../lib/dom.js';
import { answerOf, bookingLink, errorKey, startPage } from '../../lib/page.js';
import { isInvalidLink, linkToken, plausibleToken } from './link-token.js';

type Confirmed = { entryId: string; status: 'waiting'; alreadyConfirmed: boolean };
let outcome: Promise<ApiResult<Confirmed>> | undefined;

/**
 * Stage 2 of the waiting list's double opt-in (ADR 26): opening the link puts the patient on the
 * list, as opening a booking's confirm link confirms it. Sent once per page view.
 */
void startPage(async (context) => {
  const { t, app, practice, language } = context;
  const heading = t('waitlistConfirm.heading');
  document.title = `${heading} – ${practice.name}`;
  showView(app, h('h1', {}, heading), h('p', { role: 'status' }, t('waitlistConfirm.working')));
  outcome ??= plausibleToken
    ? answerOf(context, heading, () =>
        api<Confirmed>('/waitlist/confirm', { method: 'POST', body: { token: linkToken } }),
      )
    : Promise.resolve({ ok: false, code: 'TOKEN_INVALID', status: 404 } as const);
  const result = await outcome;
  if (result.ok) {
    showView(
      app,
      h('h1', {}, t(result.data.alreadyConfirmed ? 'waitlistConfirm.already' : 'waitlistConfirm.done')),
      h('p', { class: 'success' }, t('waitlistConfirm.doneBody')),
    );
    return;
  }
  const message =
    result.code === 'HOLD_EXPIRED'
      ? t('waitlistConfirm.expired')
      : isInvalidLink(result.code)
        ? t('confirm.invalid')
        : t(errorKey(result.code));
  showView(
    app,
    h('h1', {}, heading),
    h('p', { class: 'error-text', role: 'alert' }, message),
    bookingLink({ language }, t('confirm.bookAgain')),
  );
});
