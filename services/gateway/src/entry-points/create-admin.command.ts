import { parseArgs } from 'node:util';
import { commonEnvSchema, parseConfig, z } from '@otk/config';
import { assertSchemaCurrent, createPool } from '@otk/db';
import { appendAudit } from '../data-access/audit.repository.js';
import { migrations } from '../data-access/migrations.js';
import { deleteSessionsOf } from '../data-access/session.repository.js';
import { upsertAccount } from '../data-access/staff.repository.js';
import { MIN_PASSWORD_LENGTH, hashPassword } from '../domain/passwords.js';
import { newOneTimePassword } from '../domain/secrets.js';

const usage = 'usage: main.js create-admin --email <address> [--role admin|staff] [--password-stdin]';
const emailSchema = z.email().max(254);

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/**
 * `main.js create-admin --email …`: creates a console account (or gives an existing one a new
 * password and ends its sessions). The password is read from stdin with `--password-stdin`, or
 * generated and printed once on stdout; it is never logged and no default exists.
 */
export async function createAdminCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: 'string' },
      role: { type: 'string', default: 'admin' },
      'password-stdin': { type: 'boolean', default: false },
    },
  });
  const email = emailSchema.safeParse(values.email?.trim().toLowerCase());
  const role = values.role;
  if (!email.success || (role !== 'admin' && role !== 'staff')) {
    process.stderr.write(`${usage}\n`);
    return 64;
  }
  const generated = !values['password-stdin'];
  const password = generated ? newOneTimePassword() : await readStdin();
  if (password.length < MIN_PASSWORD_LENGTH) {
    process.stderr.write(`the password must have at least ${MIN_PASSWORD_LENGTH} characters\n`);
    return 64;
  }
  const { DATABASE_URL } = parseConfig(z.object({ DATABASE_URL: commonEnvSchema.DATABASE_URL }));
  const pool = createPool({ connectionString: DATABASE_URL, applicationName: 'gateway-create-admin' });
  try {
    await assertSchemaCurrent(pool, migrations);
    const account = await upsertAccount(pool, { email: email.data, role, passwordHash: await hashPassword(password) });
    if (!account.created) await deleteSessionsOf(pool, account.id);
    await appendAudit(pool, {
      accountId: account.id,
      accountEmail: email.data,
      action: account.created ? 'account.create' : 'account.reset-password',
      details: { role, by: 'create-admin command' },
      clientAddress: null,
    });
    const what = account.created ? `created ${role} account` : `reset the password of ${role} account`;
    process.stdout.write(
      generated ? `${what} ${email.data}\npassword (shown once): ${password}\n` : `${what} ${email.data}\n`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}
