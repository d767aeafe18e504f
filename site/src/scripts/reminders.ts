import { api } from '../lib/api.js';
import { announce, h, showView } from '../lib/dom.js';
import { startPage } from '../lib/page.js';

/** The opt-out token of the reminder, read from the address (…/reminders?token=…). */
const token = new URL(location.href).searchParams.get('token') ?? '';
let stopped = false;

/**
 * A reminder's opt-out link: the patient stops further reminders with a button, not by opening the
 * page, so that a mail scanner that follows links changes nothing (ADR 36).
 */
void startPage(({ t, app, practice }) => {
  document.title = `${t('reminders.heading')} – ${practice.name}`;
  const heading = h('h1', {}, t('reminders.heading'));
  if (stopped) {
    showView(app, heading, h('p', { class: 'success', role: 'status' }, t('reminders.done')));
    return;
  }
  if (token.length < 22) {
    showView(app, heading, h('p', { class: 'error-text', role: 'alert' }, t('reminders.invalid')));
    return;
  }
  const status = h('p', { role: 'status' });
  const button = h('button', { type: 'button', class: 'button', onclick: () => void stop() }, t('reminders.stop'));
  async function stop() {
    button.disabled = true;
    status.textContent = t('reminders.working');
    const result = await api<{ optedOut: true }>('/reminders/opt-out', { method: 'POST', body: { token } });
    if (result.ok) {
      stopped = true;
      showView(app, heading, h('p', { class: 'success', role: 'status' }, t('reminders.done')));
      return;
    }
    const message =
      result.code === 'TOKEN_INVALID' || result.code === 'VALIDATION_FAILED'
        ? t('reminders.invalid')
        : t(`error.${result.code}` as 'error.UNKNOWN');
    status.textContent = '';
    button.disabled = false;
    announce(message, 'error');
    showView(app, heading, h('p', { class: 'error-text', role: 'alert' }, message), button);
  }
  showView(app, heading, h('p', {}, t('reminders.explain')), button, status);
});
