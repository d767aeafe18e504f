import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@otk/test-kit';
import { Builder, By, type WebDriver, until } from 'selenium-webdriver';
import { freePort } from '../free-port.js';
import { type Engine, type EnginePage, type Viewport, deviceLocale } from './engine.js';

const webKitDriverPath = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const miniBrowserPath = process.env.WEBKIT_BROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const timeoutMs = 20000;

/**
 * WebKitGTK (the engine family of Safari) through its WebDriver server, `WebKitWebDriver`, which
 * starts a MiniBrowser window per session. The window needs an X display: a virtual one (Xvfb) of
 * this engine's own, on a display number the X server picks.
 */
export async function launchWebKit(): Promise<Engine> {
  const home = mkdtempSync(join(tmpdir(), 'otk-webkit-'));
  // MiniBrowser's toolbar would keep the window wider than a phone; GTK's own style sheet shrinks it.
  mkdirSync(join(home, 'gtk-3.0'));
  writeFileSync(
    join(home, 'gtk-3.0', 'gtk.css'),
    '* { min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; font-size: 1px; }\n',
  );
  const processes: ChildProcess[] = [];
  const stop = () => {
    for (const child of processes.reverse()) child.kill();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    processes.push(xvfb);
    const display = await new Promise<string>((resolve, reject) => {
      xvfb.stdout!.once('data', (data: Buffer) => resolve(`:${data.toString().trim()}`));
      xvfb.once('error', reject);
      xvfb.once('exit', (code) => reject(new Error(`Xvfb ended with ${code}`)));
    });
    // WebKitGTK takes the page's languages from the C library's locale, which the machine may lack:
    // compiled from Debian's locale sources into the run's own folder.
    const locale = `${deviceLocale.languages[0]!.replace('-', '_')}.UTF-8`;
    execFileSync('localedef', ['-i', locale.split('.')[0]!, '-f', 'UTF-8', join(home, locale)]);
    const port = await freePort();
    processes.push(
      spawn(webKitDriverPath, [`--port=${port}`, '--host=127.0.0.1'], {
        stdio: 'ignore',
        env: {
          ...process.env,
          DISPLAY: display,
          XDG_CONFIG_HOME: home,
          TZ: deviceLocale.timeZone,
          LOCPATH: home,
          LANG: locale,
          LC_ALL: locale,
        },
      }),
    );
    const server = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await fetch(`${server}/status`)).ok ? true : undefined), {
      timeoutMs,
      what: 'WebKitWebDriver to answer',
    });
    return { name: 'webkit', newPage: (viewport) => openPage(server, viewport), close: async () => stop() };
  } catch (error) {
    stop();
    throw error;
  }
}

async function openPage(server: string, viewport: Viewport): Promise<EnginePage> {
  // Every session is a MiniBrowser of its own in private mode: a fresh profile.
  const driver = await new Builder()
    .usingServer(server)
    .withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowserPath, args: ['--automation', '--private'] },
    })
    .build();
  const element = async (selector: string) => {
    const found = await driver.wait(until.elementLocated(By.css(selector)), timeoutMs, `no ${selector}`);
    await driver.wait(until.elementIsVisible(found), timeoutMs, `${selector} is not visible`);
    return found;
  };
  // WebKitWebDriver reports no script errors through classic WebDriver: the page collects them
  // itself from the moment it has loaded (errors while loading go unseen here).
  const problems: string[] = [];
  const collected = async () =>
    ((await driver.executeScript('return window.testPageProblems ?? []').catch(() => [])) as string[]) ?? [];
  const page: EnginePage = {
    problems: async () => [...problems, ...(await collected())],
    goto: async (url) => {
      problems.push(...(await collected()));
      await driver.get(url);
      await driver.executeScript(collectProblems);
    },
    url: () => driver.getCurrentUrl(),
    evaluate: <T>(expression: string) => driver.executeScript(`return (${expression});`) as Promise<T>,
    click: async (selector) => {
      const target = await element(selector);
      await driver.wait(until.elementIsEnabled(target), timeoutMs, `${selector} is not enabled`);
      await target.click();
    },
    fill: async (selector, text) => {
      const field = await element(selector);
      if ((await field.getAttribute('type')) === 'date') {
        // The ISO value, as the Chromium and Firefox adapter sets date fields: no per-engine date typing.
        await driver.executeScript(
          `const field = arguments[0]; field.value = arguments[1];
           field.dispatchEvent(new Event('input', { bubbles: true }));
           field.dispatchEvent(new Event('change', { bubbles: true }));`,
          field,
          text,
        );
        return;
      }
      await field.clear();
      await field.sendKeys(text);
    },
    resize: (size) => resize(driver, size),
    screenshot: async () => Buffer.from(await driver.takeScreenshot(), 'base64'),
    close: () => driver.quit(),
  };
  await page.resize(viewport);
  return page;
}

const collectProblems = `
  window.testPageProblems = [];
  window.addEventListener('error', (event) => window.testPageProblems.push(String(event.message)));
  window.addEventListener('unhandledrejection', (event) => window.testPageProblems.push(String(event.reason)));
`;

/** WebDriver sizes the window; the window's frame is added so the viewport gets the size asked for. */
async function resize(driver: WebDriver, viewport: Viewport): Promise<void> {
  await driver.manage().window().setRect(viewport);
  const [innerWidth, innerHeight] = (await driver.executeScript('return [innerWidth, innerHeight]')) as number[];
  await driver
    .manage()
    .window()
    .setRect({
      width: 2 * viewport.width - innerWidth!,
      height: 2 * viewport.height - innerHeight!,
    });
}
