import puppeteer, { type Browser } from 'puppeteer-core';
import { chromiumPath, quietChromiumFlags } from '../browser.js';
import { type Engine, type EnginePage, type Viewport, deviceLocale } from './engine.js';

const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Chromium over the DevTools protocol, Firefox over WebDriver BiDi: one library, one adapter. */
export async function launchPuppeteer(name: 'chromium' | 'firefox'): Promise<Engine> {
  const env = { ...process.env, TZ: deviceLocale.timeZone };
  const browser =
    name === 'chromium'
      ? await puppeteer.launch({
          browser: 'chrome',
          executablePath: chromiumPath,
          headless: true,
          env,
          args: [...quietChromiumFlags, `--accept-lang=${deviceLocale.languages.join(',')}`],
        })
      : await puppeteer.launch({
          browser: 'firefox',
          executablePath: firefoxPath,
          headless: true,
          env,
          extraPrefsFirefox: { 'intl.accept_languages': deviceLocale.languages.join(', ') },
        });
  return {
    name,
    newPage: (viewport) => openPage(browser, viewport),
    close: () => browser.close(),
  };
}

async function openPage(browser: Browser, viewport: Viewport): Promise<EnginePage> {
  // A browser context of its own is a fresh profile: no storage of an earlier page.
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(viewport);
  page.setDefaultTimeout(20000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error instanceof Error ? error.message : String(error)));
  page.on('console', (message) => {
    // Failed API answers are expected in some steps; the page shows them itself.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text());
  });
  return {
    problems: async () => problems,
    goto: async (url) => {
      await page.goto(url);
    },
    url: async () => page.url(),
    evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
    click: (selector) => page.locator(selector).click(),
    // Types into text fields (after selecting what is there); sets date fields to the ISO value.
    fill: (selector, text) => page.locator(selector).fill(text),
    resize: (size) => page.setViewport(size),
    screenshot: async () => Buffer.from(await page.screenshot()),
    close: () => context.close(),
  };
}
