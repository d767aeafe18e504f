import { expect } from 'chai';
import { type Answer, SharedAnswers } from './shared-answers.js';

const answer = (text: string): Answer => ({ body: Buffer.from(text), gzipped: Buffer.from(text), etag: text });

/** A load that counts its calls and answers with the current version of the data. */
function source() {
  let version = 1;
  let loads = 0;
  return {
    load: async () => {
      loads += 1;
      return answer(`v${version}`);
    },
    change: () => {
      version += 1;
    },
    loads: () => loads,
  };
}

const text = async (promise: Promise<Answer>) => (await promise).body.toString();

describe('answers shared by the patient-facing reads', () => {
  it('when the same question comes again within the TTL, then it is answered from the first load', async () => {
    const answers = new SharedAnswers(60_000);
    const data = source();
    expect(await text(answers.get('practice', data.load))).to.equal('v1');
    data.change();
    expect(await text(answers.get('practice', data.load))).to.equal('v1');
    expect(data.loads()).to.equal(1);
  });

  it('when everything is forgotten (the settings changed), then the very next question is loaded afresh', async () => {
    const answers = new SharedAnswers(60_000);
    const data = source();
    await answers.get('practice', data.load);
    await answers.get('catalogue', data.load);
    data.change();
    answers.forgetAll();
    expect(await text(answers.get('practice', data.load))).to.equal('v2');
    expect(await text(answers.get('catalogue', data.load))).to.equal('v2');
  });

  it('when everything is forgotten while a load is under way, then that load is not kept', async () => {
    const answers = new SharedAnswers(60_000);
    const data = source();
    const underWay = answers.get('practice', data.load);
    answers.forgetAll();
    data.change();
    await underWay;
    expect(await text(answers.get('practice', data.load))).to.equal('v2');
  });

  it('when the days of a booking are forgotten, then answers about other days are kept', async () => {
    const answers = new SharedAnswers(60_000);
    const data = source();
    await answers.get('monday', data.load, { from: '2031-01-06', to: '2031-01-06' });
    await answers.get('tuesday', data.load, { from: '2031-01-07', to: '2031-01-07' });
    data.change();
    answers.forgetDays({ from: '2031-01-06', to: '2031-01-06' });
    expect(await text(answers.get('monday', data.load, { from: '2031-01-06', to: '2031-01-06' }))).to.equal('v2');
    expect(await text(answers.get('tuesday', data.load, { from: '2031-01-07', to: '2031-01-07' }))).to.equal('v1');
  });
});
