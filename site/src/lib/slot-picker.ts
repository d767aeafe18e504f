import type { ListSlotsReply } from '@otk/contracts';
import { api } from './api.js';
import { type Month, addDays, addMonths, compareMonths, monthGrid, monthOf, monthRange, todayIn } from './calendar.js';
import { announce, h } from './dom.js';
import { errorKey, type PageContext } from './page.js';
import { type Slot, byPractitioner } from './slots.js';

export type { Slot } from './slots.js';

export interface SlotPickerOptions {
  appointmentTypeId: string;
  /** A practitioner's id, or 'any' for the next available one (F4). */
  practitionerId: string;
  /** Shown as chosen when the picker opens. */
  selected?: Slot | undefined;
  /** Names practitioners when the slots may belong to several. */
  practitionerName: (id: string) => string;
  onPick: (slot: Slot) => void;
}

/** The last date a slot may lie on: today plus the practice's booking horizon. */
function horizonDate(context: PageContext, today: string): string {
  return addDays(today, context.practice.bookingHorizonDays);
}

/**
 * F5: a month view that marks the days with free slots, and the list of free times of the chosen
 * day. Days are buttons (disabled without slots), so the calendar works with the keyboard alone.
 */
export function slotPicker(context: PageContext, options: SlotPickerOptions): HTMLElement {
  const { t, fmt } = context;
  const today = todayIn(context.practice.timeZone);
  const lastDate = horizonDate(context, today);
  const firstMonth = monthOf(today);
  const lastMonth = monthOf(lastDate);
  let month: Month = options.selected ? monthOf(options.selected.start.slice(0, 10)) : firstMonth;
  let chosenDay: string | undefined = options.selected?.start.slice(0, 10);
  let days = new Map<string, Slot[]>();
  let autoAdvance = !options.selected;

  const zone = fmt.zoneNote();
  const root = h('div', { class: 'slot-picker' });
  const status = h('p', { class: 'muted', role: 'status' });

  const load = async () => {
    const range = monthRange(month);
    const from = range.from < today ? today : range.from;
    const to = range.to > lastDate ? lastDate : range.to;
    render(true);
    const query = new URLSearchParams({
      appointmentType: options.appointmentTypeId,
      practitioner: options.practitionerId,
      from,
      to,
    });
    const result = await api<ListSlotsReply>(`/availability?${query}`);
    if (!result.ok) {
      const message = t(errorKey(result.code));
      announce(message, 'error');
      root.replaceChildren(
        h('p', { class: 'error-text' }, message),
        h('button', { type: 'button', class: 'button', onclick: () => void load() }, t('nav.retry')),
      );
      return;
    }
    days = new Map(result.data.days.filter((d) => d.slots.length > 0).map((d) => [d.date, d.slots]));
    // Near a month's end the first free day is often in the next month: show it right away.
    if (days.size === 0 && autoAdvance && compareMonths(month, lastMonth) < 0) {
      autoAdvance = false;
      month = addMonths(month, 1);
      await load();
      return;
    }
    autoAdvance = false;
    if (chosenDay && !days.has(chosenDay)) chosenDay = undefined;
    render(false);
  };

  /** The times as buttons; with several practitioners, each button names its own for assistive technology. */
  const timeList = (slots: Slot[], practitioner: string | null) =>
    h(
      'ul',
      { class: 'time-list' },
      slots.map((slot) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'time',
              'aria-pressed': String(
                slot.start === options.selected?.start && slot.practitionerId === options.selected.practitionerId,
              ),
              'data-start': slot.start,
              onclick: (event: Event) => {
                for (const other of root.querySelectorAll('button.time')) other.setAttribute('aria-pressed', 'false');
                (event.currentTarget as HTMLElement).setAttribute('aria-pressed', 'true');
                options.onPick(slot);
              },
            },
            h('span', { class: 'time-value' }, fmt.time(slot.start)),
            practitioner
              ? h('span', { class: 'time-who visually-hidden' }, ` ${t('datetime.with', { name: practitioner })}`)
              : null,
          ),
        ),
      ),
    );

  const render = (loading: boolean) => {
    root.setAttribute('aria-busy', String(loading));
    const title = fmt.monthTitle(month.year, month.month);
    const previous = h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'aria-label': t('datetime.previousMonth'),
        disabled: loading || compareMonths(month, firstMonth) <= 0,
        onclick: () => {
          month = addMonths(month, -1);
          chosenDay = undefined;
          void load();
        },
      },
      '‹',
    );
    const next = h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'aria-label': t('datetime.nextMonth'),
        disabled: loading || compareMonths(month, lastMonth) >= 0,
        onclick: () => {
          month = addMonths(month, 1);
          chosenDay = undefined;
          void load();
        },
      },
      '›',
    );
    const weekdays = fmt.weekdays();
    const grid = h(
      'table',
      { class: 'month', 'aria-labelledby': 'month-title' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          weekdays.map((w) => h('th', { scope: 'col' }, h('abbr', { title: w.long }, w.short))),
        ),
      ),
      h(
        'tbody',
        {},
        monthGrid(month).map((week) =>
          h(
            'tr',
            {},
            week.map((date) => {
              if (!date) return h('td', {});
              const free = days.has(date);
              const label = t(free ? 'datetime.dayFree' : 'datetime.dayNone', { date: fmt.longDate(date) });
              return h(
                'td',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: free ? 'day free' : 'day',
                    'aria-label': label,
                    'aria-pressed': free ? String(date === chosenDay) : null,
                    'data-date': date,
                    disabled: !free,
                    onclick: () => {
                      chosenDay = date;
                      render(false);
                      root.querySelector<HTMLElement>('#times-heading')?.focus();
                    },
                  },
                  String(Number(date.slice(8))),
                ),
              );
            }),
          ),
        ),
      ),
    );
    status.textContent = loading ? t('datetime.loading') : days.size === 0 ? t('datetime.noneThisMonth') : '';
    const slots = chosenDay ? (days.get(chosenDay) ?? []) : [];
    const times = chosenDay
      ? h(
          'section',
          { class: 'times', 'aria-labelledby': 'times-heading' },
          h(
            'h2',
            { id: 'times-heading', tabindex: '-1' },
            t('datetime.timesHeading', { date: fmt.longDate(chosenDay) }),
          ),
          options.practitionerId === 'any'
            ? // The next free practitioner: each name once, above that practitioner's times.
              byPractitioner(slots).map((group, i) =>
                h(
                  'section',
                  { class: 'time-group', 'aria-labelledby': `time-group-${i}` },
                  h(
                    'h3',
                    { id: `time-group-${i}`, class: 'time-group-name' },
                    options.practitionerName(group.practitionerId),
                  ),
                  timeList(group.slots, options.practitionerName(group.practitionerId)),
                ),
              )
            : timeList(slots, null),
        )
      : h('p', { class: 'muted' }, days.size > 0 ? t('datetime.pickDay') : '');
    root.replaceChildren(
      h('div', { class: 'month-nav' }, previous, h('h2', { id: 'month-title' }, title), next),
      h('p', { class: 'muted small' }, t('datetime.legend'), zone ? ` ${t('datetime.zoneNote', { zone })}` : null),
      grid,
      status,
      times,
    );
  };

  void load();
  return root;
}
