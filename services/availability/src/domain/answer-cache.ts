/**
 * Answers kept while nothing they depend on has changed: the read model's version must be the
 * same, and the answer must not have outlived `validUntil` (time alone changes slots: minimum
 * notice moves on, holds lapse). Bounded: it empties itself when full.
 */
export class AnswerCache<T> {
  private readonly answers = new Map<string, { version: string; validUntil: number; value: T }>();

  constructor(private readonly maxEntries = 2000) {}

  get(key: string, version: string, now: number): T | undefined {
    const hit = this.answers.get(key);
    if (!hit) return undefined;
    if (hit.version !== version || hit.validUntil <= now) {
      this.answers.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, version: string, validUntil: number, value: T): void {
    if (this.answers.size >= this.maxEntries) this.answers.clear();
    this.answers.set(key, { version, validUntil, value });
  }
}
