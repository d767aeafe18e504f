import type { CatalogueView } from '@otk/contracts';
import { api } from '../lib/api.js';
import { todayIn } from '../lib/calendar.js';
import { announce, clearAnnouncements, h, showView } from '../lib/dom.js';
import { localized, type MessageKey } from '../lib/i18n.js';
import { errorKey, type PageContext, startPage } from '../lib/page.js';
import {
  type FieldName,
  type PatientEntries,
  countries,
  emptyEntries,
  fieldOfServerPath,
  isRequired,
  toPatient,
  validateAll,
  validateField,
} from '../lib/patient-form.js';
import { type Slot, slotPicker } from '../lib/slot-picker.js';
import { type StepName, reachableStep, stepsFor } from '../lib/steps.js';

interface Hold {
  bookingId: string;
  expiresAt: string;
}

interface FlowState {
  visitKind?: 'first' | 'followup';
  groupId?: string;
  typeId?: string;
  practitionerId?: string;
  slot?: Slot;
  entries: PatientEntries;
  patientComplete?: boolean;
  consent: boolean;
  /** One key per request body: a retry after a lost answer returns the same hold (no second one). */
  request?: { key: string; body: string };
  hold?: Hold & { slot: Slot; contact: string; channel: 'email' | 'sms' };
  alternatives?: Slot[];
}

const storageKey = 'otk.booking';

/** Kept for the browser tab only, so a reload or a lost connection never loses the form. */
function loadState(): FlowState {
  try {
    const saved = sessionStorage.getItem(storageKey);
    if (saved) return JSON.parse(saved) as FlowState;
  } catch {
    // Storage unavailable or unreadable: start afresh.
  }
  return { entries: { ...emptyEntries }, consent: false };
}

let state = loadState();
function save(): void {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(state));
  } catch {
    // Private mode without storage: the flow still works, only a reload forgets it.
  }
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const catalogues = new Map<string, CatalogueView>();
let context: PageContext;
let serverErrors: Partial<Record<FieldName, MessageKey>> = {};
let countdown: number | undefined;

function steps(): StepName[] {
  return stepsFor(context.practice);
}

function choices() {
  return {
    visitKind: state.visitKind,
    groupId: state.groupId,
    typeId: state.typeId,
    practitionerId: state.practitionerId,
    slotStart: state.slot?.start,
    patientComplete: state.patientComplete,
  };
}

type View = StepName | 'sent';

function currentView(): View {
  const wanted = location.hash.slice(1);
  if (wanted === 'sent' && state.hold) return 'sent';
  const all = steps();
  const step = (all as string[]).includes(wanted) ? (wanted as StepName) : all[0]!;
  return reachableStep(step, all, choices());
}

/** Moves forward: a history entry per step, so the browser's back button goes one step back. */
function go(view: View): void {
  history.pushState({ view }, '', `${location.pathname}${location.search}#${view}`);
  void render();
}

function back(): void {
  if (history.state && (history.state as { view?: string }).view) history.back();
  else {
    const all = steps();
    const index = all.indexOf(currentView() as StepName);
    history.replaceState(null, '', `#${all[Math.max(0, index - 1)]}`);
    void render();
  }
}

async function catalogue(): Promise<CatalogueView | undefined> {
  const key = state.visitKind ?? 'all';
  const cached = catalogues.get(key);
  if (cached) return cached;
  const query = state.visitKind ? `?visitKind=${state.visitKind}` : '';
  const result = await api<CatalogueView>(`/catalogue${query}`);
  if (!result.ok) {
    showError(result.code, () => void render());
    return undefined;
  }
  catalogues.set(key, result.data);
  return result.data;
}

/** An error in the live region, with a retry that keeps every entry. */
function showError(code: string, retry?: () => void): void {
  const message = context.t(errorKey(code));
  announce(message, 'error');
  let box = document.getElementById('flow-error');
  if (!box) {
    // The step could not be drawn at all (its catalogue did not load): a view of its own.
    box = h('div', { id: 'flow-error', class: 'error-box' });
    showView(context.app, h('h1', {}, context.t('site.practiceUnavailable')), box);
  }
  box.replaceChildren(
    ...[
      h('p', {}, message),
      retry ? h('button', { type: 'button', class: 'button secondary', onclick: retry }, context.t('nav.retry')) : null,
    ].filter((node) => node !== null),
  );
  box.hidden = false;
}

function progress(view: View): HTMLElement | null {
  if (view === 'sent') return null;
  const all = steps();
  const index = all.indexOf(view);
  return h(
    'nav',
    { class: 'progress', 'aria-label': context.t('progress.label') },
    h(
      'p',
      { class: 'small muted' },
      `${context.t('progress.step', { n: index + 1, total: all.length })}: ${context.t(`step.${view}`)}`,
    ),
    h(
      'ol',
      {},
      all.map((step, i) =>
        h(
          'li',
          { class: i < index ? 'done' : i === index ? 'current' : '', 'aria-current': i === index ? 'step' : null },
          h('span', { class: 'progress-label' }, context.t(`step.${step}`)),
        ),
      ),
    ),
  );
}

function choiceButton(label: string, hint: string | null, selected: boolean, onclick: () => void): HTMLElement {
  return h(
    'li',
    {},
    h(
      'button',
      { type: 'button', class: 'choice', 'aria-pressed': String(selected), onclick },
      h('span', { class: 'choice-label' }, label),
      hint ? h('span', { class: 'choice-hint' }, hint) : null,
    ),
  );
}

function frame(view: View, heading: string, ...content: (Node | null)[]): void {
  const all = steps();
  const first = view === all[0] || view === 'sent';
  clearInterval(countdown);
  showView(
    context.app,
    progress(view),
    h('h1', { id: 'step-heading' }, heading),
    h('div', { id: 'flow-error', class: 'error-box', hidden: true }),
    ...content,
    first
      ? null
      : h(
          'p',
          { class: 'nav' },
          h('button', { type: 'button', class: 'button secondary', onclick: back }, `← ${context.t('nav.back')}`),
        ),
  );
  document.title = `${heading} – ${context.practice.name}`;
}

async function render(): Promise<void> {
  const view = currentView();
  if (location.hash.slice(1) !== view) history.replaceState(history.state, '', `#${view}`);
  clearAnnouncements();
  const { t } = context;
  const lang = context.language;
  switch (view) {
    case 'visitKind':
      return frame(
        view,
        t('visitKind.heading'),
        h(
          'ul',
          { class: 'choices' },
          (['first', 'followup'] as const).map((kind) =>
            choiceButton(t(`visitKind.${kind}`), t(`visitKind.${kind}Hint`), state.visitKind === kind, () => {
              if (state.visitKind !== kind) resetFrom('visitKind');
              state.visitKind = kind;
              save();
              go(steps()[steps().indexOf('visitKind') + 1]!);
            }),
          ),
        ),
      );
    case 'group': {
      const data = await catalogue();
      if (!data) return;
      const used = new Set(data.appointmentTypes.map((type) => type.groupId));
      const groups = data.groups.filter((group) => used.has(group.id));
      return frame(
        view,
        t('group.heading'),
        groups.length === 0
          ? h('p', {}, t('type.none'))
          : h(
              'ul',
              { class: 'choices' },
              groups.map((group) =>
                choiceButton(localized(group.name, lang), null, state.groupId === group.id, () => {
                  if (state.groupId !== group.id) resetFrom('group');
                  state.groupId = group.id;
                  save();
                  go('type');
                }),
              ),
            ),
      );
    }
    case 'type': {
      const data = await catalogue();
      if (!data) return;
      const types = data.appointmentTypes.filter(
        (type) => !context.practice.steps.appointmentGroup || type.groupId === state.groupId || type.groupId === null,
      );
      return frame(
        view,
        t('type.heading'),
        types.length === 0
          ? h('p', {}, t('type.none'))
          : h(
              'ul',
              { class: 'choices' },
              types.map((type) =>
                choiceButton(
                  localized(type.name, lang),
                  t('type.duration', { minutes: type.durationMinutes }),
                  state.typeId === type.id,
                  () => {
                    if (state.typeId !== type.id) resetFrom('type');
                    state.typeId = type.id;
                    save();
                    go('practitioner');
                  },
                ),
              ),
            ),
      );
    }
    case 'practitioner': {
      const data = await catalogue();
      if (!data) return;
      const offering = data.practitioners.filter((p) => p.appointmentTypeIds.includes(state.typeId ?? ''));
      const pick = (id: string) => () => {
        if (state.practitionerId !== id) resetFrom('practitioner');
        state.practitionerId = id;
        save();
        go('datetime');
      };
      return frame(
        view,
        t('practitioner.heading'),
        h(
          'ul',
          { class: 'choices' },
          offering.length > 1
            ? choiceButton(
                t('practitioner.any'),
                t('practitioner.anyHint'),
                state.practitionerId === 'any',
                pick('any'),
              )
            : null,
          offering.map((p) => choiceButton(p.displayName, null, state.practitionerId === p.id, pick(p.id))),
        ),
      );
    }
    case 'datetime': {
      const data = await catalogue();
      if (!data) return;
      return frame(
        view,
        t('datetime.heading'),
        slotPicker(context, {
          appointmentTypeId: state.typeId!,
          practitionerId: state.practitionerId!,
          selected: state.slot,
          practitionerName: (id) => data.practitioners.find((p) => p.id === id)?.displayName ?? id,
          onPick: (slot) => {
            state.slot = slot;
            state.alternatives = undefined;
            save();
            go('patient');
          },
        }),
      );
    }
    case 'patient':
      return frame(view, t('patient.heading'), patientForm());
    case 'summary': {
      const data = await catalogue();
      if (!data) return;
      return frame(view, t('summary.heading'), summary(data));
    }
    case 'sent':
      return frame(view, t(state.hold?.channel === 'sms' ? 'sent.headingSms' : 'sent.headingEmail'), sent());
  }
}

/** A changed answer invalidates the answers that depended on it. */
function resetFrom(step: StepName): void {
  const order: StepName[] = ['visitKind', 'group', 'type', 'practitioner', 'datetime'];
  const later = order.slice(order.indexOf(step));
  if (later.includes('group')) state.groupId = undefined;
  if (later.includes('type')) state.typeId = undefined;
  if (later.includes('practitioner')) state.practitionerId = undefined;
  if (later.includes('datetime')) state.slot = undefined;
  state.alternatives = undefined;
}

function patientForm(): HTMLElement {
  const { t } = context;
  const today = todayIn(context.practice.timeZone);
  const entries = state.entries;
  if (!context.practice.smsOffered) entries.channel = 'email';
  const touched = new Set<FieldName>(Object.keys(serverErrors) as FieldName[]);
  const messageOf = (field: FieldName): MessageKey | null =>
    serverErrors[field] ?? (touched.has(field) ? validateField(field, entries, today) : null);

  const updateField = (field: FieldName) => {
    const input = form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${field}"]`);
    const error = form.querySelector<HTMLElement>(`#${field}-error`);
    const label = form.querySelector<HTMLElement>(`label[for="${field}"] .req`);
    if (!input || !error) return;
    const message = messageOf(field);
    input.setAttribute('aria-invalid', String(message !== null));
    input.required = isRequired(field, entries.channel);
    if (label) label.hidden = !isRequired(field, entries.channel);
    error.textContent = message ? t(message) : '';
  };

  const field = (
    name: FieldName,
    type: string,
    autocomplete: string,
    extra: { hint?: string; inputmode?: string } = {},
  ): HTMLElement => {
    const required = isRequired(name, entries.channel);
    const describedBy = [extra.hint ? `${name}-hint` : null, `${name}-error`].filter(Boolean).join(' ');
    const input = h('input', {
      id: name,
      name,
      type,
      autocomplete,
      inputmode: extra.inputmode,
      value: entries[name],
      required,
      'aria-describedby': describedBy,
      'aria-invalid': String(messageOf(name) !== null),
      max: type === 'date' ? today : null,
      oninput: () => {
        entries[name] = input.value;
        delete serverErrors[name];
        // Validation as you type, but a field is only criticised once the patient left it.
        updateField(name);
        save();
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
        h('span', { class: 'req', 'aria-hidden': 'true', hidden: !required }, ' *'),
      ),
      extra.hint ? h('p', { id: `${name}-hint`, class: 'hint' }, extra.hint) : null,
      input,
      h('p', { id: `${name}-error`, class: 'field-error' }, messageOf(name) ? t(messageOf(name)!) : ''),
    );
  };

  const gender = h(
    'select',
    {
      id: 'gender',
      name: 'gender',
      autocomplete: 'sex',
      'aria-describedby': 'gender-error',
      onchange: () => {
        entries.gender = gender.value;
        save();
      },
    },
    (['', 'female', 'male', 'diverse', 'unknown'] as const).map((g) =>
      h(
        'option',
        { value: g, selected: entries.gender === g },
        t(g === '' ? 'patient.gender.none' : `patient.gender.${g}`),
      ),
    ),
  );
  const names = new Intl.DisplayNames([`${context.language}-CH`], { type: 'region' });
  const country = h(
    'select',
    {
      id: 'country',
      name: 'country',
      autocomplete: 'country',
      'aria-describedby': 'country-error',
      onchange: () => {
        entries.country = country.value;
        save();
      },
    },
    countries.map((code) => h('option', { value: code, selected: entries.country === code }, names.of(code) ?? code)),
  );
  const selectField = (name: FieldName, control: HTMLElement) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: name }, t(`patient.${name}`)),
      control,
      h('p', { id: `${name}-error`, class: 'field-error' }),
    );

  const channel = context.practice.smsOffered
    ? h(
        'fieldset',
        { class: 'field' },
        h('legend', {}, t('patient.channel')),
        (['email', 'sms'] as const).map((c) =>
          h(
            'label',
            { class: 'radio' },
            h('input', {
              type: 'radio',
              name: 'channel',
              value: c,
              checked: entries.channel === c,
              onchange: () => {
                entries.channel = c;
                save();
                updateField('email');
                updateField('phone');
              },
            }),
            ` ${t(`patient.channel.${c}`)}`,
          ),
        ),
      )
    : null;

  const form = h(
    'form',
    { novalidate: true, class: 'patient-form' },
    h('p', { class: 'small muted' }, t('patient.requiredNote')),
    h('div', { class: 'row' }, field('firstName', 'text', 'given-name'), field('lastName', 'text', 'family-name')),
    h('div', { class: 'row' }, field('birthDate', 'date', 'bday'), selectField('gender', gender)),
    channel,
    field('email', 'email', 'email', { inputmode: 'email' }),
    field('phone', 'tel', 'tel', { hint: t('patient.phoneHint'), inputmode: 'tel' }),
    field('street', 'text', 'street-address'),
    h('div', { class: 'row' }, field('postcode', 'text', 'postal-code'), field('town', 'text', 'address-level2')),
    selectField('country', country),
    h('p', { class: 'nav' }, h('button', { type: 'submit', class: 'button' }, `${t('nav.next')} →`)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const errors = { ...validateAll(entries, today), ...serverErrors };
    const invalid = Object.keys(errors) as FieldName[];
    for (const name of invalid) touched.add(name);
    for (const name of ['firstName', 'lastName', 'birthDate', 'email', 'phone', 'street', 'postcode', 'town'] as const)
      updateField(name);
    if (invalid.length > 0) {
      announce(t('validation.fix'), 'error');
      form.querySelector<HTMLElement>(`[name="${invalid[0]}"]`)?.focus();
      return;
    }
    state.patientComplete = true;
    save();
    go('summary');
  });
  return form;
}

function summary(data: CatalogueView): HTMLElement {
  const { t, fmt } = context;
  const type = data.appointmentTypes.find((x) => x.id === state.typeId);
  const slot = state.slot!;
  const practitioner = data.practitioners.find((p) => p.id === slot.practitionerId);
  const entries = state.entries;
  const contact = entries.channel === 'sms' ? toPatient(entries).phone : entries.email.trim();
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
          { type: 'button', class: 'link', onclick: () => go(step), 'aria-label': `${t('summary.edit')}: ${label}` },
          t('summary.edit'),
        ),
      ),
    );
  const policy = context.practice.privacyPolicy;
  const consent = h('input', {
    type: 'checkbox',
    id: 'consent',
    name: 'consent',
    checked: state.consent,
    'aria-describedby': 'consent-error',
    onchange: () => {
      state.consent = consent.checked;
      save();
      if (consent.checked) consentError.textContent = '';
    },
  });
  const consentError = h('p', { id: 'consent-error', class: 'field-error' });
  const sendButton = h('button', { type: 'submit', class: 'button' }, t('summary.send'));
  const alternatives = state.alternatives?.length
    ? h(
        'section',
        { class: 'alternatives', 'aria-labelledby': 'alternatives-heading' },
        h('h2', { id: 'alternatives-heading' }, t('slotTaken.alternatives')),
        h(
          'ul',
          { class: 'time-list wide' },
          state.alternatives.map((alt) =>
            h(
              'li',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: 'time',
                  onclick: () => {
                    state.slot = alt;
                    state.alternatives = undefined;
                    save();
                    void render().then(() => announce(fmt.dateTime(alt.start)));
                  },
                },
                fmt.dateTime(alt.start),
                ' ',
                h(
                  'span',
                  { class: 'time-who' },
                  data.practitioners.find((p) => p.id === alt.practitionerId)?.displayName ?? '',
                ),
              ),
            ),
          ),
        ),
        h(
          'button',
          { type: 'button', class: 'button secondary', onclick: () => go('datetime') },
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
        type
          ? `${localized(type.name, context.language)} (${t('type.duration', { minutes: type.durationMinutes })})`
          : '',
        'type',
      ),
      row(t('summary.practitioner'), practitioner?.displayName ?? '', 'practitioner'),
      row(t('summary.when'), fmt.dateTime(slot.start), 'datetime'),
      row(t('summary.patient'), `${entries.firstName.trim()} ${entries.lastName.trim()}`, 'patient'),
      row(t('summary.contact'), contact ?? '', 'patient'),
    ),
    alternatives,
    h('p', { class: 'small' }, t('summary.explain')),
    h(
      'div',
      { class: 'field consent' },
      h(
        'label',
        { for: 'consent', class: 'checkbox' },
        consent,
        h(
          'span',
          {},
          t('summary.consentBefore'),
          policy.url
            ? h('a', { href: policy.url, target: '_blank', rel: 'noopener' }, t('summary.privacyPolicy'))
            : t('summary.privacyPolicy'),
          t('summary.consentAfter'),
        ),
      ),
      consentError,
    ),
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
    void send(sendButton, contact ?? '');
  });
  return form;
}

async function send(button: HTMLButtonElement, contact: string): Promise<void> {
  const { t } = context;
  const slot = state.slot!;
  const body = {
    appointmentTypeId: state.typeId,
    practitionerId: slot.practitionerId,
    start: slot.start,
    ...(state.visitKind ? { visitKind: state.visitKind } : {}),
    channel: state.entries.channel,
    language: context.language,
    patient: toPatient(state.entries),
    consent: { accepted: true, privacyPolicyVersion: context.practice.privacyPolicy.version ?? 'unversioned' },
  };
  const json = JSON.stringify(body);
  if (state.request?.body !== json) state.request = { key: randomKey(), body: json };
  save();
  button.disabled = true;
  button.textContent = t('summary.sending');
  announce(t('summary.sending'));
  const result = await api<Hold>('/holds', {
    method: 'POST',
    body,
    headers: { 'idempotency-key': state.request.key },
  });
  button.disabled = false;
  button.textContent = t('summary.send');
  if (result.ok) {
    const { entries } = state;
    // Names and contact stay out of storage once sent; the page keeps what it shows.
    state = {
      entries: { ...emptyEntries, channel: entries.channel },
      consent: false,
      hold: { ...result.data, slot, contact, channel: entries.channel },
    };
    save();
    go('sent');
    return;
  }
  if (result.code === 'SLOT_TAKEN') {
    const alternatives = (result.details?.alternatives ?? []) as Slot[];
    state.alternatives = Array.isArray(alternatives) ? alternatives.slice(0, 6) : [];
    save();
    await render();
    showError('SLOT_TAKEN');
    document.getElementById('alternatives-heading')?.focus();
    return;
  }
  if (result.code === 'VALIDATION_FAILED') {
    const fields = (result.details?.fields ?? []) as { path: string }[];
    serverErrors = {};
    for (const f of Array.isArray(fields) ? fields : []) {
      const name = fieldOfServerPath(f.path);
      if (name)
        serverErrors[name] =
          name === 'email' ? 'validation.email' : name === 'phone' ? 'validation.phone' : 'validation.fix';
    }
    if (Object.keys(serverErrors).length > 0) {
      state.patientComplete = false;
      save();
      go('patient');
      announce(t('error.VALIDATION_FAILED'), 'error');
      return;
    }
  }
  const retriable = ['NETWORK', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL'].includes(result.code);
  showError(result.code, retriable ? () => void send(button, contact) : undefined);
}

function sent(): HTMLElement {
  const { t, fmt } = context;
  const hold = state.hold!;
  const remaining = h('p', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
  const tick = () => {
    const left = Date.parse(hold.expiresAt) - Date.now();
    if (left <= 0) {
      clearInterval(countdown);
      remaining.textContent = t('sent.expired');
      announce(t('sent.expired'));
      return;
    }
    remaining.textContent = t('sent.remaining', { time: fmt.countdown(left) });
  };
  const view = h(
    'div',
    {},
    h(
      'p',
      {},
      t('sent.body', {
        contact: hold.contact,
        when: fmt.dateTime(hold.slot.start),
        deadline: fmt.time(hold.expiresAt),
      }),
    ),
    remaining,
    h('p', { class: 'small muted' }, t('sent.notReceived')),
    h(
      'p',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'button secondary',
          onclick: () => {
            state = { entries: { ...emptyEntries }, consent: false };
            save();
            go(steps()[0]!);
          },
        },
        t('sent.bookAgain'),
      ),
    ),
  );
  tick();
  // frame() clears the previous interval before any new view is drawn.
  queueMicrotask(() => (countdown = window.setInterval(tick, 1000)));
  return view;
}

window.addEventListener('popstate', () => void render());
void startPage((ctx) => {
  context = ctx;
  void render();
});
