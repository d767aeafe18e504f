import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type { SiteServer } from '../../scripts/dev/site-server.js';
import { seriousAxeViolationsExpression } from '../support/browser.js';
import { linkIn, mailTo, startSiteAndStack, testPatient, testPhone } from '../support/booking-site.js';
import {
  type Engine,
  type EngineName,
  type EnginePage,
  type Viewport,
  launchEngine,
} from '../support/engines/engine.js';
import type { Stack } from '../support/stack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const artifacts = join(root, 'test-artifacts', 'engines');

const viewports = {
  'phone-360': { width: 360, height: 640 },
  'phone-390': { width: 390, height: 844 },
  'desktop-1280': { width: 1280, height: 800 },
  'narrow-320': { width: 320, height: 640 },
} satisfies Record<string, Viewport>;
type ViewportName = keyof typeof viewports;

type Flows = 'book, confirm, change, cancel' | 'book, confirm';

/**
 * Which flows each screen gets (ADR 0052), in every engine: all four on the phone and on the
 * desktop; the taller phone and the narrowest screen book and confirm, which is where their layout
 * differs (the change and cancel pages reuse the same components).
 */
const screens: { viewport: ViewportName; flows: Flows }[] = [
  { viewport: 'phone-360', flows: 'book, confirm, change, cancel' },
  { viewport: 'desktop-1280', flows: 'book, confirm, change, cancel' },
  { viewport: 'phone-390', flows: 'book, confirm' },
  { viewport: 'narrow-320', flows: 'book, confirm' },
];
const engineNames: EngineName[] = ['chromium', 'firefox', 'webkit'];
/** Every engine on every screen: one scenario, one matrix. */
const runs = engineNames.flatMap((engine) => screens.map((screen) => ({ engine, ...screen })));

/** The phone flow's steps in the side-by-side picture (docs/images/booking-flow-engines.png). */
const overviewSteps = [
  '1-visit-kind',
  '5-date-time',
  '6-patient',
  '7-summary',
  '9-confirmed',
  '10-manage',
  '13-cancelled',
];

describe('booking site: book, confirm, change and cancel in Chromium, Firefox and WebKit', function () {
  this.timeout(600000);
  let stack: Stack;
  let site: SiteServer;
  const engines = new Map<EngineName, Engine>();
  /** Viewport screenshots of the phone flow, per engine and step. */
  const phoneShots = new Map<string, Buffer>();

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    ({ site, stack } = await startSiteAndStack());
  });

  after(async () => {
    for (const engine of engines.values()) await engine.close();
    await site?.close();
    await stack?.stop();
  });

  async function engine(name: EngineName): Promise<Engine> {
    if (!engines.has(name)) engines.set(name, await launchEngine(name));
    return engines.get(name)!;
  }

  /** The page's state through the driver: polls an expression until it is true. */
  const until = (page: EnginePage, expression: string, what: string) =>
    waitFor(async () => ((await page.evaluate<boolean>(`Boolean(${expression})`)) ? true : undefined), {
      timeoutMs: 20000,
      what,
    });

  /** Finds the element that `selector` matches and whose text matches `text`, and clicks it. */
  let targets = 0;
  async function clickText(page: EnginePage, selector: string, text: RegExp): Promise<void> {
    targets += 1;
    const mark = `[data-test-target="${targets}"]`;
    await until(
      page,
      `(() => {
        const pattern = new RegExp(${JSON.stringify(text.source)}, ${JSON.stringify(text.flags)});
        const found = [...document.querySelectorAll(${JSON.stringify(selector)})]
          .find((e) => pattern.test(e.textContent.replace(/\\s+/g, ' ').trim()));
        found?.setAttribute('data-test-target', '${targets}');
        return found;
      })()`,
      `${selector} with the text ${text}`,
    );
    await page.click(mark);
  }

  const textShown = (page: EnginePage, selector: string, text: string) =>
    until(
      page,
      `[...document.querySelectorAll(${JSON.stringify(selector)})].some((e) => e.textContent.includes(${JSON.stringify(text)}))`,
      `${selector} with the text "${text}"`,
    );

  /** The step's heading is shown and has the focus (screen readers announce each step). */
  async function expectStep(page: EnginePage, heading: string): Promise<void> {
    await textShown(page, 'h1', heading);
    await until(page, "document.activeElement?.tagName === 'H1'", `the heading "${heading}" to have the focus`);
  }

  /** Screenshot per engine, screen and step; axe-core finds nothing serious; nothing wider than the screen. */
  async function check(page: EnginePage, run: string, step: string, viewport: Viewport): Promise<void> {
    // From the top, so the pictures of the engines compare.
    await page.evaluate(
      '(async () => { window.scrollTo(0, 0); await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))); })()',
    );
    const shot = await page.screenshot();
    writeFileSync(join(artifacts, `${run}-${step}.png`), shot);
    if (run.endsWith('phone-360')) phoneShots.set(`${run.split('-')[0]}-${step}`, shot);
    expect(await page.evaluate<string[]>(seriousAxeViolationsExpression), `axe on ${run} ${step}`).to.deep.equal([]);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `width of ${step}`).to.be.at.most(
      viewport.width,
    );
    const header = await page.evaluate<HeaderLayout | null>(headerLayoutExpression);
    expect(header, `practice name and language switch on ${step}`).to.not.equal(null);
    expect(
      Math.abs(header!.nameCentre - header!.languageCentre),
      `vertical centres of the practice name and the language switch on ${run} ${step} (${JSON.stringify(header)})`,
    ).to.be.at.most(2);
    expect(
      Math.abs(header!.nameLeft - header!.headingLeft),
      `the practice name lines up with the page's heading on ${run} ${step} (${JSON.stringify(header)})`,
    ).to.be.at.most(1);
  }

  /**
   * Clicks the first free day at least `daysAhead` days from today that offers a time other than
   * `except` (the default cancellation deadline is 24 h: a booking for tomorrow could not be changed).
   */
  async function pickDay(page: EnginePage, daysAhead: number): Promise<void> {
    const earliest = new Date(Date.now() + daysAhead * 86400000).toISOString().slice(0, 10);
    for (let month = 0; month < 3; month += 1) {
      await until(page, `document.querySelector('.slot-picker[aria-busy="false"]')`, 'the calendar');
      const dates = await page.evaluate<string[]>(
        `[...document.querySelectorAll('button.day.free')].map((d) => d.getAttribute('data-date'))`,
      );
      const date = dates.find((d) => d >= earliest);
      if (date) {
        await page.click(`button.day[data-date="${date}"]`);
        return;
      }
      await clickText(page, 'button', /Nächster Monat/);
    }
    throw new Error(`no free day from ${earliest} on within three months`);
  }

  for (const { engine: engineName, viewport: viewportName, flows } of runs) {
    const viewport = viewports[viewportName];
    it(`when a patient uses ${engineName} at ${viewport.width}×${viewport.height} (${flows}), then every step works and is accessible`, async () => {
      const run = `${engineName}-${viewportName}`;
      const page = await (await engine(engineName)).newPage(viewport);
      try {
        const step = (name: string) => check(page, run, name, viewport);
        const email = `anna.${randomBytes(4).toString('hex')}@example.ch`;

        // Book.
        await page.goto(site.url);
        await expectStep(page, 'Waren Sie schon einmal in unserer Praxis?');
        await textShown(page, '#practice-name', 'Zahnarztpraxis Dr. Muster');
        await step('1-visit-kind');
        await clickText(page, 'button.choice .choice-label', /^Ersttermin$/);
        await expectStep(page, 'Worum geht es?');
        await step('2-group');
        await clickText(page, 'button.choice .choice-label', /^Kontrolle & Prophylaxe$/);
        await expectStep(page, 'Welchen Termin benötigen Sie?');
        await step('3-type');
        await clickText(page, 'button.choice .choice-label', /^Kontrolle$/);
        await expectStep(page, 'Bei wem möchten Sie den Termin?');
        await step('4-practitioner');
        await clickText(page, 'button.choice .choice-label', /^Dr\. med\. dent\. Eva Muster$/);
        await expectStep(page, 'Wann möchten Sie kommen?');
        // The device is in New York: the page says whose time it shows.
        await textShown(page, '.slot-picker', 'Die Zeiten sind Ortszeit der Praxis (Mitteleuropäische Zeit).');
        await pickDay(page, 3);
        await until(page, "document.querySelector('button.time')", 'the times of the day');
        await step('5-date-time');
        const start = await page.evaluate<string>("document.querySelector('button.time').getAttribute('data-start')");
        await page.click('button.time');
        await expectStep(page, 'Ihre Angaben');
        // Validation as you type: a wrong address is criticised once the field is left.
        await page.fill('#email', 'anna@');
        await page.click('#firstName');
        await textShown(page, '#email-error', 'gültige E-Mail-Adresse');
        for (const [field, value] of Object.entries({ ...testPatient, email, phone: testPhone }))
          await page.fill(`#${field}`, value);
        await step('6-patient');
        await clickText(page, 'button', /^Weiter/);
        await expectStep(page, 'Anfrage prüfen und senden');
        // The time shown is the practice's wall-clock time of the slot, not the device's.
        await textShown(page, 'dd', `um ${start.slice(11, 16)}`);
        await step('7-summary');
        await page.click('#consent');
        await clickText(page, 'button', /^Anfrage senden$/);
        await expectStep(page, 'Bitte prüfen Sie Ihre E-Mails');
        await until(
          page,
          `/Verbleibende Zeit zum Bestätigen: \\d+:\\d\\d/.test(document.querySelector('.countdown')?.textContent)`,
          'the countdown',
        );
        await step('8-sent');

        // Confirm with the link from the e-mail.
        await page.goto(linkIn(String((await mailTo(stack, email, /\/confirm\?token=/)).text), 'confirm', site.url));
        await expectStep(page, 'Vielen Dank – Ihr Termin ist bestätigt.');
        expect(await robots(page), 'confirm page kept from search engines').to.equal('noindex');
        await step('9-confirmed');
        await page.goto(await page.url());
        await expectStep(page, 'Dieser Termin war bereits bestätigt');
        if (flows === 'book, confirm') return;

        // Change, from the link in the final confirmation.
        await page.goto(linkIn(String((await mailTo(stack, email, /\/manage\?token=/)).text), 'manage', site.url));
        await expectStep(page, 'Ihr Termin');
        await textShown(page, 'dd', 'Bestätigt');
        expect(await robots(page), 'manage page kept from search engines').to.equal('noindex');
        await step('10-manage');
        await clickText(page, 'button', /^Termin ändern$/);
        await expectStep(page, 'Neue Zeit wählen');
        await pickDay(page, 3);
        const other = `button.time:not([data-start="${start}"])`;
        await until(page, `document.querySelector('${other}')`, 'another time');
        const newStart = await page.evaluate<string>(`document.querySelector('${other}').getAttribute('data-start')`);
        await page.click(`button.time[data-start="${newStart}"]`);
        await until(
          page,
          `document.querySelector('button.time[data-start="${newStart}"]').getAttribute('aria-pressed') === 'true'`,
          'the new time to be chosen',
        );
        await step('11-change');
        await clickText(page, 'button', /^Termin auf .* verschieben$/);
        await textShown(page, '.success', 'Ihr Termin wurde auf');
        const token = new URL(await page.url()).searchParams.get('token');
        const moved = await fetch(`${stack.gatewayUrl}/api/v1/bookings/manage?token=${token}`);
        expect(Date.parse(((await moved.json()) as { start: string }).start)).to.equal(Date.parse(newStart));

        // Cancel.
        await clickText(page, 'button', /^Termin absagen$/);
        await until(page, "document.querySelector('#cancel-ask')", 'the question whether to cancel');
        await step('12-cancel');
        await clickText(page, 'button', /^Ja, absagen$/);
        await textShown(page, '.success', 'Ihr Termin ist abgesagt');
        await textShown(page, 'dd', 'Abgesagt');
        // After cancelling, the way to a new appointment, in the patient's language.
        expect(
          await page.evaluate<string | null>(
            `[...document.querySelectorAll('a')].find((a) => a.textContent.trim() === 'Neuen Termin buchen')?.getAttribute('href') ?? null`,
          ),
        ).to.equal('/de/');
        await step('13-cancelled');
        const cancelled = await fetch(`${stack.gatewayUrl}/api/v1/bookings/manage?token=${token}`);
        expect(((await cancelled.json()) as { status: string }).status).to.equal('cancelled');
      } finally {
        const problems = await page.problems();
        await page.close();
        expect(problems, `errors in the page (${run})`).to.deep.equal([]);
      }
    });
  }

  it('when every engine has walked the phone flow, then the steps are shown side by side', async () => {
    const rows = engineNames.map(
      (name) =>
        `<div class="row"><p>${name === 'chromium' ? 'Chromium' : name === 'firefox' ? 'Firefox' : 'WebKit'}</p>${overviewSteps
          .map((s) => `<img alt="" src="data:image/png;base64,${phoneShots.get(`${name}-${s}`)!.toString('base64')}">`)
          .join('')}</div>`,
    );
    const file = join(artifacts, 'engines-overview.html');
    writeFileSync(
      file,
      `<!doctype html><meta charset="utf-8"><style>
        body{margin:0;padding:16px;background:#eef1f5;font:600 15px system-ui,sans-serif}
        .row{display:flex;gap:10px;align-items:center;margin-bottom:12px}
        p{width:80px;margin:0}
        img{width:150px;border-radius:10px;box-shadow:0 2px 8px #0003}
      </style>${rows.join('')}`,
    );
    const page = await (await engine('chromium')).newPage({ width: 80 + 7 * 160 + 32, height: 3 * 279 + 28 });
    try {
      await page.goto(`file://${file}`);
      writeFileSync(join(artifacts, 'engines-overview.png'), await page.screenshot());
    } finally {
      await page.close();
    }
  });
});

interface HeaderLayout {
  nameCentre: number;
  languageCentre: number;
  nameLeft: number;
  headingLeft: number;
}

/** Where the header's practice name and language switch are, and the page heading's left edge, in CSS pixels. */
const headerLayoutExpression = `(() => {
  const box = (element) => {
    const rect = element?.getBoundingClientRect();
    return rect && rect.height > 0 ? rect : null;
  };
  const name = box(document.getElementById('practice-name'));
  const language = box(document.getElementById('language'));
  const heading = box(document.querySelector('main h1'));
  if (!name || !language || !heading) return null;
  return {
    nameCentre: name.top + name.height / 2,
    languageCentre: language.top + language.height / 2,
    nameLeft: name.left,
    headingLeft: heading.left,
  };
})()`;

/** The page's robots meta, null without one. */
function robots(page: EnginePage): Promise<string | null> {
  return page.evaluate<string | null>(`document.querySelector('meta[name="robots"]')?.getAttribute('content') ?? null`);
}
