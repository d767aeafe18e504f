import { todayIn } from '../../../lib/calendar.js';
import { announce, h } from '../../../lib/dom.js';
import type { MessageKey } from '../../../lib/i18n.js';
import {
  type FieldName,
  type PatientEntries,
  countries,
  isRequired,
  validateAll,
  validateField,
} from '../../../lib/patient-form.js';
import type { Flow, ViewRenderer } from '../flow.js';
import { channelChoice } from '../request-fields.js';

/** The sentence for a field the API refused. */
function refusalOf(field: FieldName): MessageKey {
  return field === 'email' ? 'validation.email' : field === 'phone' ? 'validation.phone' : 'validation.fix';
}

/** F6: the patient's details, checked as they are typed and once more when sent. */
export const patientStep: ViewRenderer = (flow) => {
  flow.frame('patient', flow.context.t('patient.heading'), patientForm(flow));
};

function patientForm(flow: Flow): HTMLElement {
  const { t, practice, language } = flow.context;
  const today = todayIn(practice.timeZone);
  // A practice answer a browser cached from before the setting existed has no list: the former rule.
  const required: readonly string[] = practice.requiredPatientFields ?? ['birthDate'];
  const change = (field: keyof PatientEntries, value: string) => flow.dispatch({ type: 'entryChanged', field, value });
  if (!practice.smsOffered && flow.state.entries.channel !== 'email') change('channel', 'email');
  const entries = () => flow.state.entries;
  const isRequiredNow = (field: FieldName) => isRequired(field, entries().channel, required);
  const touched = new Set<FieldName>(flow.state.refused);
  const messageOf = (field: FieldName): MessageKey | null =>
    flow.state.refused.includes(field)
      ? refusalOf(field)
      : touched.has(field)
        ? validateField(field, entries(), today, required)
        : null;

  const updateField = (field: FieldName) => {
    const input = form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${field}"]`);
    const error = form.querySelector<HTMLElement>(`#${field}-error`);
    const label = form.querySelector<HTMLElement>(`label[for="${field}"] .req`);
    if (!input || !error) return;
    const message = messageOf(field);
    input.setAttribute('aria-invalid', String(message !== null));
    input.required = isRequiredNow(field);
    if (label) label.hidden = !isRequiredNow(field);
    error.textContent = message ? t(message) : '';
  };

  const field = (
    name: FieldName,
    type: string,
    autocomplete: string,
    extra: { hint?: string; inputmode?: string } = {},
  ): HTMLElement => {
    const fieldRequired = isRequiredNow(name);
    const describedBy = [extra.hint ? `${name}-hint` : null, `${name}-error`].filter(Boolean).join(' ');
    const message = messageOf(name);
    const input = h('input', {
      id: name,
      name,
      type,
      autocomplete,
      inputmode: extra.inputmode,
      value: entries()[name],
      required: fieldRequired,
      'aria-describedby': describedBy,
      'aria-invalid': String(message !== null),
      max: type === 'date' ? today : null,
      oninput: () => {
        change(name, input.value);
        // Validation as you type, but a field is only criticised once the patient left it.
        updateField(name);
      },
      onblur: () => {
        touched.add(name);
        updateField(name);
      },
    });
    return h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: name },
        t(`patient.${name}`),
        h('span', { class: 'req', 'aria-hidden': 'true', hidden: !fieldRequired }, ' *'),
      ),
      extra.hint ? h('p', { id: `${name}-hint`, class: 'hint' }, extra.hint) : null,
      input,
      h('p', { id: `${name}-error`, class: 'field-error' }, message ? t(message) : ''),
    );
  };

  const select = (name: 'gender' | 'country', autocomplete: string, options: HTMLOptionElement[]) => {
    const fieldRequired = isRequiredNow(name);
    const message = messageOf(name);
    const control = h(
      'select',
      {
        id: name,
        name,
        autocomplete,
        required: fieldRequired,
        'aria-describedby': `${name}-error`,
        'aria-invalid': String(message !== null),
        onchange: () => {
          change(name, control.value);
          touched.add(name);
          updateField(name);
        },
      },
      options,
    );
    return h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: name },
        t(`patient.${name}`),
        h('span', { class: 'req', 'aria-hidden': 'true', hidden: !fieldRequired }, ' *'),
      ),
      control,
      h('p', { id: `${name}-error`, class: 'field-error' }, message ? t(message) : ''),
    );
  };
  const gender = select(
    'gender',
    'sex',
    (['', 'female', 'male', 'diverse', 'unknown'] as const).map((g) =>
      h(
        'option',
        { value: g, selected: entries().gender === g },
        t(g === '' ? 'patient.gender.none' : `patient.gender.${g}`),
      ),
    ),
  );
  const names = new Intl.DisplayNames([`${language}-CH`], { type: 'region' });
  const country = select(
    'country',
    'country',
    countries.map((code) => h('option', { value: code, selected: entries().country === code }, names.of(code) ?? code)),
  );

  const channel = channelChoice(flow.context, entries().channel, (c) => {
    change('channel', c);
    updateField('email');
    updateField('phone');
  });

  const form = h(
    'form',
    { novalidate: true, class: 'patient-form' },
    h('p', { class: 'small muted' }, t('patient.requiredNote')),
    h('div', { class: 'row' }, field('firstName', 'text', 'given-name'), field('lastName', 'text', 'family-name')),
    h('div', { class: 'row' }, field('birthDate', 'date', 'bday'), gender),
    channel,
    field('email', 'email', 'email', { inputmode: 'email' }),
    field('phone', 'tel', 'tel', { hint: t('patient.phoneHint'), inputmode: 'tel' }),
    field('street', 'text', 'street-address'),
    h('div', { class: 'row' }, field('postcode', 'text', 'postal-code'), field('town', 'text', 'address-level2')),
    country,
    h('p', { class: 'nav' }, h('button', { type: 'submit', class: 'button' }, `${t('nav.next')} →`)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const invalid = [
      ...new Set([...(Object.keys(validateAll(entries(), today, required)) as FieldName[]), ...flow.state.refused]),
    ];
    for (const name of invalid) touched.add(name);
    for (const name of [
      'firstName',
      'lastName',
      'birthDate',
      'gender',
      'email',
      'phone',
      'street',
      'postcode',
      'town',
      'country',
    ] as const)
      updateField(name);
    if (invalid.length > 0) {
      announce(t('validation.fix'), 'error');
      form.querySelector<HTMLElement>(`[name="${invalid[0]}"]`)?.focus();
      return;
    }
    flow.dispatch({ type: 'answered', step: 'patient', value: true });
    flow.next('patient');
  });
  return form;
}
