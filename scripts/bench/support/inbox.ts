/** The benchmarks' way to the e-mails a stack sends: its SMTP server's messages, by recipient. */
import type { ParsedMail } from 'mailparser';

/**
 * The provisional-request and confirmation e-mails, by recipient, as the stack's SMTP server
 * receives them. A flow takes the e-mails of its own patient; the rest is dropped after a while.
 */
export class Inbox {
  private readonly byAddress = new Map<string, { at: number; mails: ParsedMail[] }>();
  constructor(
    private readonly received: ParsedMail[],
    private readonly timeoutMs = 30_000,
  ) {}

  /** Moves what arrived into the map, and forgets mail nobody asked for within two minutes. */
  collect(): void {
    const now = Date.now();
    for (const mail of this.received.splice(0)) {
      const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
      for (const address of to.flatMap((a) => a.value.map((v) => v.address?.toLowerCase() ?? ''))) {
        const entry = this.byAddress.get(address) ?? { at: now, mails: [] };
        entry.mails.push(mail);
        this.byAddress.set(address, entry);
      }
    }
    for (const [address, entry] of this.byAddress) if (now - entry.at > 120_000) this.byAddress.delete(address);
  }

  /** The `n`-th e-mail to `address` (0-based), waiting for it up to `timeoutMs`. */
  async nth(address: string, n: number): Promise<ParsedMail | undefined> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const mail = this.byAddress.get(address.toLowerCase())?.mails[n];
      if (mail) return mail;
      if (Date.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  forget(address: string): void {
    this.byAddress.delete(address.toLowerCase());
  }
}

/** An error's message and, for a failed fetch, its cause (e.g. `fetch failed: ECONNRESET`). */
export function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `${(error as Error).message}${cause ? `: ${cause.code ?? cause.message}` : ''}`;
}

/** The token of the first `/confirm` or `/manage` link in an e-mail's HTML. */
export function tokenOf(mail: ParsedMail, path: '/confirm' | '/manage'): string | undefined {
  return new RegExp(`${path}\\?token=([\\w-]+)`).exec(String(mail.html))?.[1];
}
