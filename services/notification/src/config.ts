import { env, z } from '@otk/config';
import { baseServiceEnv } from '@otk/runtime';

export const configSchema = z.object({
  ...baseServiceEnv,
  PORT: env.port(8083),
  /** The SMTP server that delivers e-mail, e.g. smtp://user:pass@mail.example.ch:587 or smtps://… */
  SMTP_URL: env.url(['smtp', 'smtps']),
  /** Sender of patient e-mail until each practice configures its own. */
  MAIL_FROM: z.string().min(3).default('OTK <no-reply@localhost>'),
});

export type Config = z.infer<typeof configSchema>;
