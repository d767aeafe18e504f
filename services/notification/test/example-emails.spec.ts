import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { examplesDir, renderExampleEmails } from './support/example-emails.js';

describe('example e-mails in docs/examples', () => {
  it('when the templates are rendered, then the checked-in examples match them (else run npm run examples:emails)', async () => {
    for (const [file, content] of await renderExampleEmails()) {
      const checkedIn = await readFile(new URL(file, examplesDir), 'utf8').catch(() => '(missing)');
      expect(checkedIn, file).to.equal(content);
    }
  });

  it('when an example is parsed as a mail client would, then it has text, HTML and, for a confirmation, the calendar file', async () => {
    const mail = await simpleParser(await readFile(new URL('confirmation.fr.eml', examplesDir)));
    expect(mail.subject).to.equal('Votre rendez-vous est confirmé : lundi, 7 janvier 2030');
    expect(mail.text).to.include('09:00–09:30 (heure normale d’Europe centrale)');
    expect(mail.html).to.include('lang="fr"');
    expect(mail.attachments.map((a) => a.filename)).to.include('appointment.ics');
  });
});
