import type { CatalogueView } from '@otk/contracts';
import { api } from '../../lib/api.js';
import { announce, clearAnnouncements, h, showView } from '../../lib/dom.js';
import { type FlowEvent, type FlowState, type View, reduce, restoreState, viewFor } from '../../lib/flow.js';
import { errorKey, type PageContext } from '../../lib/page.js';
import { type StepName, stepAfter, stepBefore, stepsFor } from '../../lib/steps.js';

const storageKey = 'otk.booking.flow';

/** What a step's view may use: the page, the flow's state and events, navigation and the frame. */
export interface Flow {
  readonly context: PageContext;
  readonly state: FlowState;
  readonly steps: StepName[];
  dispatch(event: FlowEvent): void;
  /** Moves forward: a history entry per step, so the browser's back button goes one step back. */
  go(view: View): void;
  /** Moves to the step after `step` in this practice's order. */
  next(step: StepName): void;
  render(): Promise<void>;
  /** The catalogue for the chosen visit kind, loaded once; undefined after an error was shown. */
  catalogue(): Promise<CatalogueView | undefined>;
  /** Draws a view: progress, heading, error box, content and the back button. */
  frame(view: View, heading: string, ...content: (Node | null)[]): void;
  /** An error in the live region, with a retry that keeps every entry. */
  showError(code: string, retry?: () => void): void;
  /** Runs `tick` every second until the next view is drawn. */
  every(tick: () => void): void;
}

/** Draws one view of the flow; each view is a module of ./steps/. */
export type ViewRenderer = (flow: Flow, view: View) => Promise<void> | void;

/** Kept for the browser tab only, so a reload or a lost connection never loses the form. */
function load(): FlowState {
  try {
    return restoreState(sessionStorage.getItem(storageKey));
  } catch {
    // Storage unavailable: start afresh.
    return restoreState(null);
  }
}

function save(state: FlowState): void {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(state));
  } catch {
    // Private mode without storage: the flow still works, only a reload forgets it.
  }
}

/** The booking flow of one page: its state, the address's fragment as the current view, and history. */
export function createFlow(views: Record<View, ViewRenderer>): { start(context: PageContext): void } {
  let state = load();
  let context: PageContext;
  let timer: number | undefined;
  const catalogues = new Map<string, CatalogueView>();

  const currentView = (): View => viewFor(location.hash.slice(1), stepsFor(context.practice), state);

  const progress = (view: View): HTMLElement | null => {
    if (view === 'sent' || view === 'waitlist' || view === 'waitlistSent') return null;
    const { t } = context;
    const all = stepsFor(context.practice);
    const index = all.indexOf(view);
    return h(
      'nav',
      { class: 'progress', 'aria-label': t('progress.label') },
      h(
        'p',
        { class: 'small muted' },
        t('progress.current', { n: index + 1, total: all.length, step: t(`step.${view}`) }),
      ),
      h(
        'ol',
        {},
        all.map((step, i) =>
          h(
            'li',
            { class: i < index ? 'done' : i === index ? 'current' : '', 'aria-current': i === index ? 'step' : null },
            h('span', { class: 'progress-label' }, t(`step.${step}`)),
          ),
        ),
      ),
    );
  };

  const back = () => {
    if (history.state && (history.state as { view?: string }).view) history.back();
    else {
      const view = currentView();
      const steps = stepsFor(context.practice);
      const before =
        view === 'sent' || view === 'waitlistSent'
          ? steps[0]
          : view === 'waitlist'
            ? 'datetime'
            : stepBefore(view, steps);
      history.replaceState(null, '', `#${before}`);
      void flow.render();
    }
  };

  const flow: Flow = {
    get context() {
      return context;
    },
    get state() {
      return state;
    },
    get steps() {
      return stepsFor(context.practice);
    },
    dispatch(event) {
      state = reduce(state, event);
      save(state);
    },
    go(view) {
      history.pushState({ view }, '', `${location.pathname}${location.search}#${view}`);
      void flow.render();
    },
    next(step) {
      flow.go(stepAfter(step, flow.steps));
    },
    async render() {
      const view = currentView();
      if (location.hash.slice(1) !== view) history.replaceState(history.state, '', `#${view}`);
      clearAnnouncements();
      await views[view](flow, view);
    },
    async catalogue() {
      const kind = state.answers.visitKind;
      const key = kind ?? 'all';
      const cached = catalogues.get(key);
      if (cached) return cached;
      const result = await api<CatalogueView>(`/catalogue${kind ? `?visitKind=${kind}` : ''}`);
      if (!result.ok) {
        flow.showError(result.code, () => void flow.render());
        return undefined;
      }
      catalogues.set(key, result.data);
      return result.data;
    },
    frame(view, heading, ...content) {
      const first = view === flow.steps[0] || view === 'sent' || view === 'waitlistSent';
      clearInterval(timer);
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
    },
    showError(code, retry) {
      const { t } = context;
      const message = t(errorKey(code));
      announce(message, 'error');
      let box = document.getElementById('flow-error');
      if (!box) {
        // The step could not be drawn at all (its catalogue did not load): a view of its own.
        box = h('div', { id: 'flow-error', class: 'error-box' });
        showView(context.app, h('h1', {}, t('site.practiceUnavailable')), box);
      }
      box.replaceChildren(
        ...[
          h('p', {}, message),
          retry ? h('button', { type: 'button', class: 'button secondary', onclick: retry }, t('nav.retry')) : null,
        ].filter((node) => node !== null),
      );
      box.hidden = false;
    },
    every(tick) {
      // frame() clears the interval before any new view is drawn.
      queueMicrotask(() => (timer = window.setInterval(tick, 1000)));
    },
  };

  return {
    start(pageContext) {
      const first = context === undefined;
      context = pageContext;
      if (first) window.addEventListener('popstate', () => void flow.render());
      void flow.render();
    },
  };
}
