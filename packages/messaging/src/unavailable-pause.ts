/**
 * After a server answered UNAVAILABLE (its database is down), further calls to its queue fail at
 * once instead of each making the round trip to learn the same: a client gets its 503 within
 * milliseconds, and the server is not flooded while it cannot serve. When a pause is over, one
 * call goes out as a probe while the others keep failing fast; if it is answered UNAVAILABLE
 * too, the next pause is twice as long (1 s, 2 s, then 4 s at most), and any other outcome ends
 * the pausing. Pure bookkeeping: the caller passes the clock.
 */
export class UnavailablePause {
  private readonly queues = new Map<string, { until: number; pauseMs: number; probing: boolean }>();

  constructor(
    private readonly firstPauseMs = 1000,
    private readonly maxPauseMs = 4000,
  ) {}

  /** True when a call to `queue` may go out now; the first call after a pause is the probe. */
  mayCall(queue: string, now: number): boolean {
    const paused = this.queues.get(queue);
    if (!paused) return true;
    if (paused.probing || now < paused.until) return false;
    paused.probing = true;
    return true;
  }

  /** Records how a call that went out ended: answered UNAVAILABLE, or anything else. */
  settled(queue: string, unavailable: boolean, now: number): void {
    if (!unavailable) {
      this.queues.delete(queue);
      return;
    }
    const previous = this.queues.get(queue);
    const pauseMs = previous ? Math.min(previous.pauseMs * 2, this.maxPauseMs) : this.firstPauseMs;
    // A call that left before the pause began answers within it: it does not lengthen the pause.
    if (previous && !previous.probing && now < previous.until) return;
    this.queues.set(queue, { until: now + pauseMs, pauseMs, probing: false });
  }
}
