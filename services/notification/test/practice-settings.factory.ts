import type { PracticeSettings } from '../src/domain/practice-settings.js';

/** The settings of a practice that writes in all four languages, with staff copies and reminders off. */
export function aPracticeSettings(overrides: Partial<PracticeSettings> = {}): PracticeSettings {
  return {
    practiceName: 'Zahnarztpraxis Dr. Muster',
    address: 'Bahnhofstrasse 1, 8001 Zürich',
    phone: '+41 44 123 45 67',
    senderName: 'Zahnarztpraxis Dr. Muster',
    senderAddress: 'termine@praxis-muster.example',
    siteUrl: 'https://onlinetermine.praxis-muster.example',
    defaultLanguage: 'de',
    languages: ['de', 'fr', 'it', 'en'],
    staffCopies: false,
    staffAddresses: [],
    smsEnabled: false,
    smsSender: 'PraxMuster',
    dkim: null,
    reminders: [],
    ...overrides,
  };
}
