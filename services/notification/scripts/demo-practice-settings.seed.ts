import type pg from 'pg';
import { updatePracticeSettings } from '../src/data-access/practice-settings.repository.js';

/** The message settings of the demo practice that `make up` runs (sent to its local mail catcher). */
export async function seedDemoPracticeSettings(pool: pg.Pool): Promise<void> {
  await updatePracticeSettings(pool, {
    practiceName: 'Zahnarztpraxis Dr. Muster',
    address: 'Bahnhofstrasse 1, 8001 Zürich',
    phone: '+41 44 123 45 67',
    senderName: 'Zahnarztpraxis Dr. Muster',
    senderAddress: 'termine@demo-praxis.localhost',
    siteUrl: 'http://127.0.0.1:4321',
    defaultLanguage: 'de',
    languages: ['de', 'fr', 'it', 'en'],
    staffCopies: true,
    staffAddresses: ['empfang@demo-praxis.localhost'],
    smsEnabled: false,
    smsSender: 'PraxMuster',
    dkim: null,
  });
}
