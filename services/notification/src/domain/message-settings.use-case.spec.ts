import { expect } from 'chai';
import { InMemoryPracticeSettings } from '../../test/support/in-memory-ports.js';
import { aPracticeSettings } from '../../test/practice-settings.factory.js';
import { changeMessageSettings, getMessageSettings } from './message-settings.use-case.js';

const staffCopiesOn = { enabled: true, addresses: ['empfang@praxis-muster.example'] };
const twoReminders = [
  { hoursBefore: 48, channel: 'email' as const },
  { hoursBefore: 2, channel: 'sms' as const },
];

function aStore(): InMemoryPracticeSettings {
  return new InMemoryPracticeSettings(
    aPracticeSettings({ staffCopies: true, staffAddresses: ['praxis@praxis-muster.example'], reminders: twoReminders }),
  );
}

describe('the message settings of the console (use case, in memory)', () => {
  it('when the console reads the settings, then it gets the staff copies and the reminders, nothing else of the practice', async () => {
    expect(await getMessageSettings(aStore())).to.deep.equal({
      staffCopies: { enabled: true, addresses: ['praxis@praxis-muster.example'] },
      reminders: twoReminders,
    });
  });

  it('when the console changes the staff copies only, then the reminders stay and the answer is the stored settings', async () => {
    const store = aStore();

    const answer = await changeMessageSettings(store, { staffCopies: staffCopiesOn });

    expect(answer).to.deep.equal({ staffCopies: staffCopiesOn, reminders: twoReminders });
    expect(store.current).to.deep.include({ staffCopies: true, staffAddresses: staffCopiesOn.addresses });
    expect(store.current.reminders).to.deep.equal(twoReminders);
  });

  it('when the console switches the staff copies off, then no address is kept', async () => {
    const store = aStore();

    await changeMessageSettings(store, { staffCopies: { enabled: false, addresses: [] } });

    expect(store.current).to.deep.include({ staffCopies: false, staffAddresses: [] });
  });

  it('when the console changes the reminders only, then the staff copies stay as they were', async () => {
    const store = aStore();
    const oneReminder = [{ hoursBefore: 24, channel: 'email' as const }];

    const answer = await changeMessageSettings(store, { reminders: oneReminder });

    expect(answer).to.deep.equal({
      staffCopies: { enabled: true, addresses: ['praxis@praxis-muster.example'] },
      reminders: oneReminder,
    });
  });

  it('when the console sets no reminders at all, then the practice sends none', async () => {
    const store = aStore();

    const answer = await changeMessageSettings(store, { reminders: [] });

    expect(answer.reminders).to.deep.equal([]);
    expect(store.current.reminders).to.deep.equal([]);
  });

  it('when the request changes nothing, then the settings stay as they were and are answered', async () => {
    const store = aStore();
    const before = structuredClone(store.current);

    expect(await changeMessageSettings(store, {})).to.deep.equal(await getMessageSettings(store));
    expect(store.current).to.deep.equal(before);
  });
});
