/**
 * What a browser test needs from a browser engine, and nothing more: the scenario in
 * `test/e2e/site-engines.e2e.spec.ts` is written once against this interface, and each engine has
 * an adapter (`puppeteer.ts` for Chromium and Firefox, `webkit.ts` for WebKitGTK).
 */
export type EngineName = 'chromium' | 'firefox' | 'webkit';

export interface Viewport {
  width: number;
  height: number;
}

export interface EnginePage {
  goto(url: string): Promise<void>;
  url(): Promise<string>;
  /** Evaluates a JavaScript expression in the page; a promise is awaited, the value must be JSON. */
  evaluate<T>(expression: string): Promise<T>;
  /** A real click (the driver's pointer), once the element is there and visible. */
  click(selector: string): Promise<void>;
  /** Replaces the field's text by typing, as a person does; date fields get the ISO value. */
  fill(selector: string, text: string): Promise<void>;
  /** Sets the size of the layout viewport in CSS pixels. */
  resize(viewport: Viewport): Promise<void>;
  /** PNG of what the viewport shows. */
  screenshot(): Promise<Buffer>;
  /** Script errors (and, where the engine reports them, console errors) of the pages shown so far. */
  problems(): Promise<string[]>;
  close(): Promise<void>;
}

export interface Engine {
  readonly name: EngineName;
  /** A page in a fresh profile (no cookies or storage of an earlier page). */
  newPage(viewport: Viewport): Promise<EnginePage>;
  close(): Promise<void>;
}

/**
 * Every engine runs as a Swiss patient's device in New York: German first, another time zone than
 * the practice's, so the pages must say whose time they show.
 */
export const deviceLocale = { languages: ['de-CH', 'de'], timeZone: 'America/New_York' };

export async function launchEngine(name: EngineName): Promise<Engine> {
  if (name === 'webkit') return (await import('./webkit.js')).launchWebKit();
  return (await import('./puppeteer.js')).launchPuppeteer(name);
}
