import { h } from '../../lib/dom.js';
import type { PageContext } from '../../lib/page.js';

/**
 * The fields a booking request and a place on the waiting list share: where the link goes (only
 * where the practice sends SMS), and the consent to the privacy policy (F7).
 */

/** E-mail or SMS, as radio buttons; null when the practice sends no SMS (then e-mail it is). */
export function channelChoice(
  context: Pick<PageContext, 't' | 'practice'>,
  current: 'email' | 'sms',
  onChange: (channel: 'email' | 'sms') => void,
): HTMLElement | null {
  const { t, practice } = context;
  if (!practice.smsOffered) return null;
  return h(
    'fieldset',
    { class: 'field' },
    h('legend', {}, t('patient.channel')),
    (['email', 'sms'] as const).map((c) =>
      h(
        'label',
        { class: 'radio' },
        h('input', { type: 'radio', name: 'channel', value: c, checked: current === c, onchange: () => onChange(c) }),
        ` ${t(`patient.channel.${c}`)}`,
      ),
    ),
  );
}

/** The consent checkbox with the link to the practice's privacy policy, and the place for its error. */
export function consentField(
  context: Pick<PageContext, 't' | 'practice'>,
  checked: boolean,
  onChange: (accepted: boolean) => void,
): { field: HTMLElement; input: HTMLInputElement; error: HTMLElement } {
  const { t, practice } = context;
  const policy = practice.privacyPolicy;
  const input = h('input', {
    type: 'checkbox',
    id: 'consent',
    name: 'consent',
    checked,
    'aria-describedby': 'consent-error',
    onchange: () => {
      onChange(input.checked);
      if (input.checked) error.textContent = '';
    },
  });
  const error = h('p', { id: 'consent-error', class: 'field-error' });
  const field = h(
    'div',
    { class: 'field consent' },
    h(
      'label',
      { for: 'consent', class: 'checkbox' },
      input,
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
    error,
  );
  return { field, input, error };
}
