import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

/** E-mail over SMTP with nodemailer; `SMTP_URL` carries host, port, credentials and TLS mode. */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(email) {
      const info = await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
