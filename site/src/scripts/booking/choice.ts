import { h } from '../../lib/dom.js';

/** One answer of a step: a toggle button with its label and an optional hint. */
export function choiceButton(label: string, hint: string | null, selected: boolean, onclick: () => void): HTMLElement {
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
