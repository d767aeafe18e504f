import { aBookingHeldEvent } from '@otk/test-kit';
import { expect } from 'chai';
import {
  type InMemoryWebhooks,
  answersWith,
  inMemoryWebhooks,
  temporarily,
} from '../../../test/support/in-memory-ports.js';
import type { PracticeSettings } from '../practice-settings.js';
import { deliverNextWebhook } from './deliver-webhooks.use-case.js';
import { addWebhook, setWebhookEnabled } from './manage-webhooks.use-case.js';
import { notifyDisabledWebhooks } from './notify-webhook-disabled.use-case.js';
import { recordWebhookEvent } from './record-webhook-event.use-case.js';

const url = 'https://crm.praxis-muster.example/hooks?key=s3cr3t-api-key';
const empfang = 'empfang@praxis-muster.example';
const chefin = 'dr.muster@praxis-muster.example';

/** Staff addresses as given; an endpoint is disabled at its first failed attempt. */
function anApp(settings: Partial<PracticeSettings> = { staffAddresses: [empfang, chefin] }): InMemoryWebhooks {
  return inMemoryWebhooks({ settings, policy: { disableAfterFailures: 1, disableAfterMs: 0 } });
}

async function anEndpoint(app: InMemoryWebhooks): Promise<string> {
  return (await addWebhook(app.deps, { url, description: '', personalData: 'none' })).endpoint.id;
}

/** An endpoint the sender disabled because its receiver failed. */
async function aFailedEndpoint(app: InMemoryWebhooks): Promise<string> {
  const id = await anEndpoint(app);
  await recordWebhookEvent(aBookingHeldEvent(), app.deps);
  app.sender.answer = answersWith(500);
  await deliverNextWebhook(app.deps);
  expect(await app.endpoints.find(id), 'disabled by the sender').to.deep.include({ disabledReason: 'failing' });
  return id;
}

describe('telling the staff about a disabled webhook endpoint (use case, in memory)', () => {
  it('when no endpoint was disabled, then nothing is sent and the settings are not even read', async () => {
    const app = anApp();
    await anEndpoint(app);
    app.settings.failNext = new Error('the settings are not needed');

    await notifyDisabledWebhooks(app.deps);

    expect(app.mailer.sent).to.deep.equal([]);
  });

  it('when the sender disabled an endpoint, then each staff address gets one e-mail naming it without its query, and the notice is no longer owed', async () => {
    const app = anApp();
    const id = await aFailedEndpoint(app);

    await notifyDisabledWebhooks(app.deps);
    await notifyDisabledWebhooks(app.deps);

    expect(app.mailer.sent.map((mail) => mail.to)).to.deep.equal([empfang, chefin]);
    const [mail] = app.mailer.sent;
    expect(mail?.subject).to.equal('Webhook abgeschaltet: https://crm.praxis-muster.example/hooks');
    expect(mail?.text).to.include(id).and.include('1 fehlgeschlagene Versuche');
    expect(mail?.text).not.to.include('s3cr3t-api-key');
    expect(mail?.from).to.deep.equal({ name: 'Zahnarztpraxis Dr. Muster', address: 'termine@praxis-muster.example' });
    expect(app.endpoints.secretsOf(id).disabledNoticePending).to.equal(false);
  });

  it('when the practice writes in French, then the notice is in French', async () => {
    const app = anApp({ staffAddresses: [empfang], defaultLanguage: 'fr' });
    await aFailedEndpoint(app);

    await notifyDisabledWebhooks(app.deps);

    expect(app.mailer.sent[0]?.subject).to.equal('Webhook désactivé : https://crm.praxis-muster.example/hooks');
  });

  it('when a staff address is given twice, in other case or with spaces, then it gets the notice once', async () => {
    const app = anApp({ staffAddresses: [` ${empfang.toUpperCase()} `, empfang, ' ', chefin] });
    await aFailedEndpoint(app);

    await notifyDisabledWebhooks(app.deps);

    expect(app.mailer.sent.map((mail) => mail.to)).to.deep.equal([empfang, chefin]);
  });

  it('when the practice has no staff address, then a warning is logged and the notice is not owed any more', async () => {
    const app = anApp({ staffAddresses: [] });
    const id = await aFailedEndpoint(app);

    await notifyDisabledWebhooks(app.deps);

    expect(app.mailer.sent).to.deep.equal([]);
    expect(app.logs).to.satisfy((lines: Record<string, unknown>[]) =>
      lines.some((line) => line.webhookEndpointId === id && String(line.msg).includes('no staff address')),
    );
    expect(app.endpoints.secretsOf(id).disabledNoticePending).to.equal(false);
  });

  it('when the notice cannot be sent to one address, then it stays owed and the next run sends it again with the same Message-ID', async () => {
    const app = anApp();
    const id = await aFailedEndpoint(app);
    app.mailer.refuse = (to) => (to === chefin ? temporarily() : undefined);

    const failed = await notifyDisabledWebhooks(app.deps).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failed).to.be.instanceOf(Error);
    expect(app.endpoints.secretsOf(id).disabledNoticePending).to.equal(true);
    app.mailer.refuse = () => undefined;
    await notifyDisabledWebhooks(app.deps);
    expect(app.mailer.sent.map((mail) => mail.to)).to.deep.equal([empfang, empfang, chefin]);
    expect(app.mailer.sent[1]?.messageId).to.equal(app.mailer.sent[0]?.messageId);
    expect(app.endpoints.secretsOf(id).disabledNoticePending).to.equal(false);
  });

  it('when an operator enabled the endpoint again before the staff were told, then no notice goes', async () => {
    const app = anApp();
    const id = await aFailedEndpoint(app);

    await setWebhookEnabled(app.deps, id, true);
    await notifyDisabledWebhooks(app.deps);

    expect(app.mailer.sent).to.deep.equal([]);
  });
});
