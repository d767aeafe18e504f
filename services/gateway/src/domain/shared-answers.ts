export interface Answer {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

interface Entry {
  /** The local dates the answer covers, for answers that change when bookings do. */
  days: DateRange | undefined;
  /** The answer being loaded, or the last one loaded. */
  answer: Promise<Answer>;
  /** Until then the answer is reused as it is. */
  freshUntil: number;
  /** Until then an older answer is still served while a newer one loads (no stall for everyone at once). */
  staleUntil: number;
  refreshing: boolean;
}

/** How much longer than its TTL an answer may be served while its successor loads. */
const STALE_GRACE_MS = 1000;

/** Local dates, yyyy-MM-dd, both included. */
export interface DateRange {
  from: string;
  to: string;
}

/**
 * Per key: single flight (concurrent identical questions share one load), reuse for `ttlMs`, and
 * stale-while-revalidate — once the TTL has passed, the first request starts a reload and everyone
 * gets the previous answer until it is in, for at most STALE_GRACE_MS more. Failures are never kept.
 * `forgetDays` drops the answers about some days at once, and any load of them under way is not
 * kept either: the next question about those days is asked afresh (ADR 13); `forgetAll` does so
 * for every answer.
 */
export class SharedAnswers {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, load: () => Promise<Answer>, days?: DateRange): Promise<Answer> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && now < entry.freshUntil) return entry.answer;
    if (entry && now < entry.staleUntil) {
      if (!entry.refreshing) {
        entry.refreshing = true;
        load().then(
          (answer) => {
            if (this.entries.get(key) === entry) this.store(key, Promise.resolve(answer), days);
          },
          () => {
            if (this.entries.get(key) === entry) this.entries.delete(key);
          },
        );
      }
      return entry.answer;
    }
    if (this.entries.size > 5000) this.entries.clear();
    const answer = load();
    const loading: Entry = { days, answer, freshUntil: Infinity, staleUntil: Infinity, refreshing: true };
    this.entries.set(key, loading);
    answer.then(
      () => {
        if (this.entries.get(key) === loading) this.store(key, answer, days);
      },
      () => {
        if (this.entries.get(key) === loading) this.entries.delete(key);
      },
    );
    return answer;
  }

  /** Drops every answer, loaded or loading: the practice's settings or catalogue changed. */
  forgetAll(): void {
    this.entries.clear();
  }

  /** Drops every answer about a day in `days`, loaded or loading. */
  forgetDays(days: DateRange): void {
    for (const [key, entry] of this.entries) {
      if (entry.days && entry.days.from <= days.to && days.from <= entry.days.to) this.entries.delete(key);
    }
  }

  private store(key: string, answer: Promise<Answer>, days: DateRange | undefined): void {
    if (this.ttlMs <= 0) {
      this.entries.delete(key);
      return;
    }
    const now = Date.now();
    this.entries.set(key, {
      days,
      answer,
      freshUntil: now + this.ttlMs,
      staleUntil: now + this.ttlMs + STALE_GRACE_MS,
      refreshing: false,
    });
  }
}
