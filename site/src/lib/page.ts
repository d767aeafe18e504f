import type { PracticeView } from '@otk/contracts';
import { type ApiResult, api } from './api.js';
import { brandColours } from './colour.js';
import { announce, h, showView } from './dom.js';
import { type Formats, formats } from './format.js';
import { homeAlternates, homePath, languageOfHomePath } from './home-pages.js';
import {
  type Language,
  type MessageKey,
  type Translate,
  allLanguages,
  loadMessages,
  pickLanguage,
  translator,
} from './i18n.js';

/** What every page knows once the practice is loaded: the practice, language, texts and formats. */
export interface PageContext {
  practice: PracticeView;
  language: Language;
  t: Translate;
  fmt: Formats;
  app: HTMLElement;
}

const languageNames: Record<Language, string> = { de: 'Deutsch', fr: 'Français', it: 'Italiano', en: 'English' };
const storedLanguageKey = 'otk.language';

/** The language the address names: a home page's path (`/fr/`), else `?lang=` (the links in messages). */
function chosenLanguage(): string | null {
  const fromPath = languageOfHomePath(location.pathname);
  if (fromPath) return fromPath;
  const fromUrl = new URL(location.href).searchParams.get('lang');
  if (fromUrl) return fromUrl;
  try {
    return localStorage.getItem(storedLanguageKey);
  } catch {
    return null;
  }
}

/**
 * Loads the practice (W2: one build serves every practice), picks the language, fills the header
 * with the practice's name and the language switch, and calls `render` — again after every
 * language switch, so the current view is redrawn in the new language without losing entries.
 */
export async function startPage(render: (context: PageContext) => void): Promise<void> {
  const app = document.getElementById('app')!;
  let practice: PracticeView | undefined;
  while (!practice) {
    const result = await api<PracticeView>('/practice');
    if (result.ok) {
      practice = result.data;
      break;
    }
    // Without the practice nothing can be shown: the texts are in the browser's language.
    const fallback = translator(await loadMessages(pickLanguage(allLanguages, 'de', null, navigator.languages)));
    await new Promise<void>((resolve) => {
      const retry = h('button', { type: 'button', class: 'button', onclick: () => resolve() }, fallback('nav.retry'));
      showView(
        app,
        h('h1', {}, fallback('site.practiceUnavailable')),
        h('p', {}, fallback(errorKey(result.code))),
        retry,
      );
      announce(fallback(errorKey(result.code)), 'error');
    });
  }
  const loaded = practice;
  for (const [name, value] of Object.entries(brandColours(loaded.brandColour) ?? {})) {
    document.documentElement.style.setProperty(name, value);
  }
  if (loaded.logoUrl) {
    // The name follows as text, so the logo is decoration for assistive technology.
    document.getElementById('practice-logo')?.replaceChildren(h('img', { src: loaded.logoUrl, alt: '', height: 40 }));
  }

  const apply = async (language: Language) => {
    const t = translator(await loadMessages(language));
    document.documentElement.lang = language;
    const skip = document.getElementById('skip-link');
    if (skip) {
      skip.textContent = t('site.skip');
      // The address's fragment names the booking step, so the link moves the focus itself.
      skip.onclick = (event) => {
        event.preventDefault();
        const heading = app.querySelector<HTMLElement>('h1');
        heading?.setAttribute('tabindex', '-1');
        heading?.focus();
      };
    }
    const name = document.getElementById('practice-name');
    if (name) name.textContent = loaded.name;
    describeForSearch(loaded, language, t);
    renderLanguageSwitch(loaded, language, t, (next) => {
      try {
        localStorage.setItem(storedLanguageKey, next);
      } catch {
        // Private mode: the choice still holds through the URL.
      }
      // A home page moves to the new language's own page; every other page names it in `?lang=`.
      const url = new URL(location.href);
      if (isHomePage()) {
        url.pathname = homePath(next);
        url.searchParams.delete('lang');
      } else url.searchParams.set('lang', next);
      history.replaceState(history.state, '', url);
      void apply(next);
    });
    render({ practice: loaded, language, t, fmt: formats(language, loaded.timeZone), app });
  };
  await apply(pickLanguage(loaded.languages, loaded.defaultLanguage, chosenLanguage(), navigator.languages));
}

/** The booking home pages are the indexable ones: they alone have a description (layouts/Base.astro). */
function isHomePage(): boolean {
  return document.querySelector('meta[name="description"]') !== null;
}

/**
 * On a home page: the description in the shown language, naming the practice; the canonical
 * address and the alternates (the practice's languages and `x-default`) made absolute, as search
 * engines want them. The static HTML has them with paths only, as one build serves every practice
 * on its own origin (ADR 0050). A language page whose language the practice does not offer shows
 * another one, and names that one's page as canonical.
 */
function describeForSearch(practice: PracticeView, language: Language, t: Translate): void {
  const description = document.querySelector('meta[name="description"]');
  if (!description) return;
  description.setAttribute('content', t('site.description', { practice: practice.name }));
  const absolute = (path: string) => new URL(path, location.href).href;
  const canonical = languageOfHomePath(location.pathname) ? homePath(language) : homePath(null);
  document.querySelector('link[rel="canonical"]')?.setAttribute('href', absolute(canonical));
  for (const old of document.querySelectorAll('link[rel="alternate"][hreflang]')) old.remove();
  document.head.append(
    ...homeAlternates(practice.languages).map((alternate) =>
      h('link', { rel: 'alternate', hreflang: alternate.hreflang, href: absolute(alternate.path) }),
    ),
  );
}

function renderLanguageSwitch(
  practice: PracticeView,
  current: Language,
  t: Translate,
  onChange: (language: Language) => void,
): void {
  const slot = document.getElementById('language-switch');
  if (!slot || practice.languages.length < 2) return;
  const select = h(
    'select',
    { id: 'language', name: 'language' },
    practice.languages.map((language) =>
      h('option', { value: language, lang: language, selected: language === current }, languageNames[language]),
    ),
  );
  select.addEventListener('change', () => onChange(select.value as Language));
  slot.replaceChildren(h('label', { for: 'language' }, t('site.language')), select);
}

/** The sentence for an API error code (STYLE 5: every code maps to one in the patient's language). */
export function errorKey(code: string): MessageKey {
  return `error.${code}` as MessageKey;
}

/** A link to the booking flow that keeps the patient's language, e.g. after a cancellation. */
export function bookingLink(context: Pick<PageContext, 'language'>, label: string): HTMLElement {
  return h('p', {}, h('a', { class: 'button', href: homePath(context.language) }, label));
}

/** Codes after which the same request may well succeed: no answer, or the server had a problem. */
const retriableCodes = ['NETWORK', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL'];

/**
 * The answer of a call that is safe to repeat (a link step the server answers alike the second
 * time). While there is no answer or the server fails, the page says so and offers "try again".
 */
export async function answerOf<T>(
  context: Pick<PageContext, 't' | 'app'>,
  heading: string,
  call: () => Promise<ApiResult<T>>,
): Promise<ApiResult<T>> {
  const { t, app } = context;
  let result = await call();
  while (!result.ok && retriableCodes.includes(result.code)) {
    const message = t(errorKey(result.code));
    announce(message, 'error');
    await new Promise<void>((resolve) =>
      showView(
        app,
        h('h1', {}, heading),
        h('p', { class: 'error-text' }, message),
        h('button', { type: 'button', class: 'button', onclick: () => resolve() }, t('nav.retry')),
      ),
    );
    result = await call();
  }
  return result;
}
