import { expect } from 'chai';
import { UnavailablePause } from './unavailable-pause.js';

describe('UnavailablePause', () => {
  const queue = 'hold-manager.rpc';

  it('when nothing was answered UNAVAILABLE, then every call goes out', () => {
    const pause = new UnavailablePause();
    expect(pause.mayCall(queue, 0)).to.equal(true);
    expect(pause.mayCall(queue, 0)).to.equal(true);
  });

  it('when a call is answered UNAVAILABLE, then calls fail for a second, then one probe goes out while the others still wait', () => {
    const pause = new UnavailablePause();
    pause.settled(queue, true, 0);

    expect(pause.mayCall(queue, 999)).to.equal(false);
    expect(pause.mayCall('availability.rpc', 999), 'another queue').to.equal(true);
    expect(pause.mayCall(queue, 1000), 'the probe').to.equal(true);
    expect(pause.mayCall(queue, 1001), 'while the probe is out').to.equal(false);
  });

  it('when the probes keep being answered UNAVAILABLE, then the pauses double up to 4 s', () => {
    const pause = new UnavailablePause();
    pause.settled(queue, true, 0);
    const pauses: number[] = [];
    let now = 0;
    for (let i = 0; i < 4; i++) {
      const start = now;
      while (!pause.mayCall(queue, now)) now += 100;
      pauses.push(now - start);
      pause.settled(queue, true, now);
    }
    expect(pauses).to.deep.equal([1000, 2000, 4000, 4000]);
  });

  it('when the probe is answered otherwise, then calls go out again at once', () => {
    const pause = new UnavailablePause();
    pause.settled(queue, true, 0);
    expect(pause.mayCall(queue, 1000)).to.equal(true);

    pause.settled(queue, false, 1010);

    expect(pause.mayCall(queue, 1011)).to.equal(true);
    expect(pause.mayCall(queue, 1011)).to.equal(true);
  });

  it('when calls sent before the pause began are answered UNAVAILABLE during it, then the pause is not lengthened', () => {
    const pause = new UnavailablePause();
    pause.settled(queue, true, 0);
    pause.settled(queue, true, 10);
    pause.settled(queue, true, 20);

    expect(pause.mayCall(queue, 1000)).to.equal(true);
  });
});
