type Child = Node | string | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element: `on…` props become listeners, `true` props bare attributes, false/null none. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** Replaces a container's content and moves focus to its heading, so screen readers announce the step. */
export function showView(container: HTMLElement, ...children: (Child | Child[])[]): void {
  container.replaceChildren(...children.flat().filter((c): c is Node | string => Boolean(c)));
  const heading = container.querySelector<HTMLElement>('h1, h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

/** Says something in the page's live region: assertive for errors, polite for progress. */
export function announce(message: string, kind: 'error' | 'status' = 'status'): void {
  const region = document.getElementById(kind === 'error' ? 'live-error' : 'live-status');
  if (!region) return;
  // Clearing first makes a repeated message be read again.
  region.textContent = '';
  window.setTimeout(() => (region.textContent = message), 50);
}

export function clearAnnouncements(): void {
  for (const id of ['live-error', 'live-status']) {
    const region = document.getElementById(id);
    if (region) region.textContent = '';
  }
}
