import type { CatalogueView } from '@otk/contracts';
import { api } from '../../../lib/api.js';
import { announce, h } from '../../../lib/dom.js';
import type { Hold } from '../../../lib/flow.js';
import { localized } from '../../../lib/i18n.js';
import { type FieldName, fieldOfServerPath, toPatient } from '../../../lib/patient-form.js';
import type { Slot } from '../../../lib/slots.js';
import type { StepName } from '../../../lib/steps.js';
import type { Flow, ViewRenderer } from '../flow.js';
import { consentField } from '../request-fields.js';

/** F7: what will be requested, each answer with a way back to change it, the consent, and sending. */
export const summaryStep: ViewRenderer = async (flow) => {
  const data = await flow.catalogue();
  if (!data) return;
  flow.frame('summary', flow.context.t('summary.heading'), summary(flow, data));
};

function summary(flow: Flow, data: CatalogueView): HTMLElement {
  const { t, fmt, language } = flow.context;
  const { answers, entries } = flow.state;
  const type = data.appointmentTypes.find((x) => x.id === answers.type);
  const slot = answers.datetime!;
  const practitionerName = (id: string) => data.practitioners.find((p) => p.id === id)?.displayName ?? '';
  const contact = (entries.channel === 'sms' ? toPatient(entries).phone : entries.email.trim()) ?? '';
  const row = (label: string, value: string, step: StepName) =>
    h(
      'div',
      { class: 'summary-row' },
      h('dt', {}, label),
      h(
        'dd',
        {},
        value,
        ' ',
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => flow.go(step),
            'aria-label': `${t('summary.edit')}: ${label}`,
          },
          t('summary.edit'),
        ),
      ),
    );
  const {
    field: consentBox,
    input: consent,
    error: consentError,
  } = consentField(flow.context, flow.state.consent, (accepted) => flow.dispatch({ type: 'consentChanged', accepted }));
  const sendButton = h('button', { type: 'submit', class: 'button' }, t('summary.send'));
  const alternatives = flow.state.alternatives?.length
    ? h(
        'section',
        { class: 'alternatives', 'aria-labelledby': 'alternatives-heading' },
        h('h2', { id: 'alternatives-heading' }, t('slotTaken.alternatives')),
        h(
          'ul',
          { class: 'time-list wide' },
          flow.state.alternatives.map((alt) =>
            h(
              'li',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: 'time',
                  onclick: () => {
                    flow.dispatch({ type: 'answered', step: 'datetime', value: alt });
                    void flow.render().then(() => announce(fmt.dateTime(alt.start)));
                  },
                },
                fmt.dateTime(alt.start),
                ' ',
                h('span', { class: 'time-who' }, practitionerName(alt.practitionerId)),
              ),
            ),
          ),
        ),
        h(
          'button',
          { type: 'button', class: 'button secondary', onclick: () => flow.go('datetime') },
          t('slotTaken.chooseOther'),
        ),
      )
    : null;

  const form = h(
    'form',
    { novalidate: true },
    h(
      'dl',
      { class: 'summary' },
      row(
        t('summary.appointment'),
        type ? `${localized(type.name, language)} (${t('type.duration', { minutes: type.durationMinutes })})` : '',
        'type',
      ),
      row(t('summary.practitioner'), practitionerName(slot.practitionerId), 'practitioner'),
      row(t('summary.when'), fmt.dateTime(slot.start), 'datetime'),
      row(t('summary.patient'), `${entries.firstName.trim()} ${entries.lastName.trim()}`, 'patient'),
      row(t('summary.contact'), contact, 'patient'),
    ),
    alternatives,
    h('p', { class: 'small' }, t('summary.explain')),
    consentBox,
    h('p', { class: 'nav' }, sendButton),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!consent.checked) {
      consentError.textContent = t('validation.consent');
      announce(t('validation.consent'), 'error');
      consent.focus();
      return;
    }
    void send(flow, sendButton, contact);
  });
  return form;
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const retriable = ['NETWORK', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL'];

/** Places the hold (F7): once per request body, whatever the retries after a lost answer. */
async function send(flow: Flow, button: HTMLButtonElement, contact: string): Promise<void> {
  const { t, language, practice } = flow.context;
  const { answers, entries } = flow.state;
  const slot = answers.datetime!;
  const body = {
    appointmentTypeId: answers.type,
    practitionerId: slot.practitionerId,
    start: slot.start,
    ...(answers.visitKind ? { visitKind: answers.visitKind } : {}),
    channel: entries.channel,
    language,
    patient: toPatient(entries),
    consent: { accepted: true, privacyPolicyVersion: practice.privacyPolicy.version ?? 'unversioned' },
  };
  flow.dispatch({ type: 'requestPrepared', body: JSON.stringify(body), key: randomKey() });
  button.disabled = true;
  button.textContent = t('summary.sending');
  announce(t('summary.sending'));
  const result = await api<Pick<Hold, 'bookingId' | 'expiresAt'>>('/holds', {
    method: 'POST',
    body,
    headers: { 'idempotency-key': flow.state.request!.key },
  });
  button.disabled = false;
  button.textContent = t('summary.send');
  if (result.ok) {
    flow.dispatch({ type: 'held', hold: { ...result.data, slot, contact, channel: entries.channel } });
    flow.go('sent');
    return;
  }
  if (result.code === 'SLOT_TAKEN') {
    const alternatives = result.details?.alternatives;
    flow.dispatch({ type: 'slotTaken', alternatives: Array.isArray(alternatives) ? (alternatives as Slot[]) : [] });
    await flow.render();
    flow.showError('SLOT_TAKEN');
    document.getElementById('alternatives-heading')?.focus();
    return;
  }
  if (result.code === 'VALIDATION_FAILED') {
    const fields = result.details?.fields;
    const refused = (Array.isArray(fields) ? (fields as { path: string }[]) : [])
      .map((f) => fieldOfServerPath(f.path))
      .filter((name): name is FieldName => name !== undefined && name !== null);
    if (refused.length > 0) {
      flow.dispatch({ type: 'refused', fields: [...new Set(refused)] });
      flow.go('patient');
      announce(t('error.VALIDATION_FAILED'), 'error');
      return;
    }
  }
  flow.showError(result.code, retriable.includes(result.code) ? () => void send(flow, button, contact) : undefined);
}
