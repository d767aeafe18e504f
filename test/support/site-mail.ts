import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type { Stack } from './stack.js';

/** The first e-mail the stack's SMTP server received for `address` whose text matches `pattern`. */
export const mailTo = (stack: Stack, address: string, pattern: RegExp) =>
  waitFor(
    () =>
      stack.smtp.messages.find(
        (m) => JSON.stringify(m.to ?? '').includes(address) && pattern.test(String(m.text ?? '')),
      ),
    { timeoutMs: 30000, what: `an e-mail to ${address} matching ${pattern}` },
  );

/** The confirm or manage link in an e-mail's text; it must lead to the booking site at `siteUrl`. */
export function linkIn(text: string, path: 'confirm' | 'manage', siteUrl: string): string {
  const link = new RegExp(`https?://[^\\s<>"]+/${path}\\?token=[\\w%-]+`).exec(text)?.[0];
  expect(link, `a ${path} link`).to.be.a('string');
  expect(link!.startsWith(siteUrl), 'the link leads to the booking site').to.equal(true);
  return link!;
}
