import { addDays, todayIn } from '../../../lib/calendar.js';
import { api } from '../../../lib/api.js';
import { announce, h } from '../../../lib/dom.js';
import type { WaitlistRequest } from '../../../lib/flow.js';
import { localized } from '../../../lib/i18n.js';
import {
  type FieldName,
  type PatientEntries,
  isRequired,
  toPatient,
  validateField,
} from '../../../lib/patient-form.js';
import type { Flow, ViewRenderer } from '../flow.js';
import { channelChoice, consentField } from '../request-fields.js';

/** The patient's fields the waiting list needs: who they are and where the links go. */
const fields = ['firstName', 'lastName', 'email', 'phone'] as const satisfies readonly FieldName[];
/** A place on the list needs the names and the contact of the chosen channel, nothing the practice requires of a booking. */
const noFurtherFields: readonly string[] = [];
/** How many days the waiting list covers unless the patient says otherwise. */
const DEFAULT_DAYS = 28;
/** The longest range one place on the list may cover, as the API allows. */
const MAX_DAYS = 62;

/**
 * Joining the waiting list (ADR 26) for the chosen type and practitioner: the days the patient
 * could come, their name and contact, and consent; the link to confirm the place goes to that
 * contact (double opt-in, as for a booking).
 */
export const waitlistStep: ViewRenderer = async (flow) => {
  const data = await flow.catalogue();
  if (!data) return;
  const { t, language } = flow.context;
  const { answers } = flow.state;
  const type = data.appointmentTypes.find((x) => x.id === answers.type);
  const practitioner =
    answers.practitioner === 'any'
      ? t('waitlist.anyPractitioner')
      : (data.practitioners.find((p) => p.id === answers.practitioner)?.displayName ?? '');
  flow.frame(
    'waitlist',
    t('waitlist.heading'),
    h('p', {}, t('waitlist.intro', { type: type ? localized(type.name, language) : '', practitioner })),
    joinForm(flow),
  );
};

function joinForm(flow: Flow): HTMLElement {
  const { t, practice, language } = flow.context;
  const today = todayIn(practice.timeZone);
  const entries = () => flow.state.entries;
  const change = (field: keyof PatientEntries, value: string) => flow.dispatch({ type: 'entryChanged', field, value });
  if (!practice.smsOffered && entries().channel !== 'email') change('channel', 'email');
  const touched = new Set<FieldName>();

  const dayInput = (name: 'firstDay' | 'lastDay', value: string) =>
    h('input', { id: name, name, type: 'date', required: true, min: today, value, 'aria-describedby': 'days-error' });
  const firstDay = dayInput('firstDay', today);
  const lastDay = dayInput('lastDay', addDays(today, DEFAULT_DAYS - 1));
  const daysError = h('p', { id: 'days-error', class: 'field-error' });

  const inputs = new Map<FieldName, HTMLInputElement>();
  const errors = new Map<FieldName, HTMLElement>();
  const update = (name: FieldName) => {
    const message = touched.has(name) ? validateField(name, entries(), today, noFurtherFields) : null;
    inputs.get(name)?.setAttribute('aria-invalid', String(message !== null));
    errors.get(name)!.textContent = message ? t(message) : '';
    if (inputs.get(name)) inputs.get(name)!.required = isRequired(name, entries().channel, noFurtherFields);
  };
  const field = (name: (typeof fields)[number], type: string, autocomplete: string) => {
    const input = h('input', {
      id: name,
      name,
      type,
      autocomplete,
      value: entries()[name],
      required: isRequired(name, entries().channel, noFurtherFields),
      'aria-describedby': `${name}-error`,
      oninput: () => {
        change(name, input.value);
        update(name);
      },
      onblur: () => {
        touched.add(name);
        update(name);
      },
    });
    const error = h('p', { id: `${name}-error`, class: 'field-error' });
    inputs.set(name, input);
    errors.set(name, error);
    return h('div', { class: 'field' }, h('label', { for: name }, t(`patient.${name}`)), input, error);
  };
  const channel = channelChoice(flow.context, entries().channel, (c) => {
    change('channel', c);
    update('email');
    update('phone');
  });
  const { field: consentBox, input: consent, error: consentError } = consentField(flow.context, false, () => {});
  const sendButton = h('button', { type: 'submit', class: 'button' }, t('waitlist.send'));

  const form = h(
    'form',
    { novalidate: true, class: 'patient-form' },
    h(
      'fieldset',
      { class: 'field' },
      h('legend', {}, t('waitlist.days')),
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: 'firstDay' }, t('waitlist.firstDay')), firstDay),
        h('div', { class: 'field' }, h('label', { for: 'lastDay' }, t('waitlist.lastDay')), lastDay),
      ),
      daysError,
    ),
    h('div', { class: 'row' }, field('firstName', 'text', 'given-name'), field('lastName', 'text', 'family-name')),
    channel,
    field('email', 'email', 'email'),
    field('phone', 'tel', 'tel'),
    consentBox,
    h('p', { class: 'small' }, t('waitlist.explain')),
    h('p', { class: 'nav' }, sendButton),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const days = daysProblem(firstDay.value, lastDay.value, today);
    daysError.textContent = days ? t(days) : '';
    firstDay.setAttribute('aria-invalid', String(days !== null));
    lastDay.setAttribute('aria-invalid', String(days !== null));
    for (const name of fields) touched.add(name);
    for (const name of fields) update(name);
    const invalid = fields.find((name) => validateField(name, entries(), today, noFurtherFields) !== null);
    consentError.textContent = consent.checked ? '' : t('validation.consent');
    if (days || invalid || !consent.checked) {
      announce(t(days ?? (invalid ? 'validation.fix' : 'validation.consent')), 'error');
      (days ? firstDay : invalid ? inputs.get(invalid) : consent)?.focus();
      return;
    }
    void join(flow, sendButton, { firstDay: firstDay.value, lastDay: lastDay.value, language });
  });
  return form;
}

/** What is wrong with the days chosen, if anything. */
function daysProblem(
  first: string,
  last: string,
  today: string,
): 'waitlist.daysMissing' | 'waitlist.daysOrder' | 'waitlist.daysTooLong' | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(first) || !/^\d{4}-\d{2}-\d{2}$/.test(last) || last < today)
    return 'waitlist.daysMissing';
  if (last < first) return 'waitlist.daysOrder';
  if (addDays(first < today ? today : first, MAX_DAYS - 1) < last) return 'waitlist.daysTooLong';
  return null;
}

const retriable = ['NETWORK', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL'];

async function join(
  flow: Flow,
  button: HTMLButtonElement,
  days: { firstDay: string; lastDay: string; language: string },
): Promise<void> {
  const { t, practice } = flow.context;
  const { answers, entries } = flow.state;
  const patient = toPatient(entries);
  const body = {
    appointmentTypeId: answers.type,
    ...(answers.practitioner && answers.practitioner !== 'any' ? { practitionerId: answers.practitioner } : {}),
    ...(answers.visitKind ? { visitKind: answers.visitKind } : {}),
    firstDay: days.firstDay,
    lastDay: days.lastDay,
    channel: entries.channel,
    language: days.language,
    patient: { firstName: patient.firstName, lastName: patient.lastName, email: patient.email, phone: patient.phone },
    consent: { accepted: true, privacyPolicyVersion: practice.privacyPolicy.version ?? 'unversioned' },
  };
  button.disabled = true;
  announce(t('summary.sending'));
  const result = await api<Pick<WaitlistRequest, 'entryId' | 'confirmBy'>>('/waitlist', { method: 'POST', body });
  button.disabled = false;
  if (result.ok) {
    const contact = (entries.channel === 'sms' ? patient.phone : patient.email) ?? '';
    flow.dispatch({
      type: 'waitlistJoined',
      waitlist: { ...result.data, contact, channel: entries.channel, firstDay: days.firstDay, lastDay: days.lastDay },
    });
    flow.go('waitlistSent');
    return;
  }
  flow.showError(result.code, retriable.includes(result.code) ? () => void join(flow, button, days) : undefined);
}
