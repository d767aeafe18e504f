import { openApiChecker } from './openapi.js';
import { runServiceCommand, type Stack } from './stack.js';

const matchesOpenApi = openApiChecker();

export interface AdminAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Creates a console account with the gateway's own command and returns the password it printed once. */
export async function createStaffAccount(stack: Stack, email: string, role: 'admin' | 'staff'): Promise<string> {
  const result = await runServiceCommand('gateway', stack.env, ['create-admin', '--email', email, '--role', role]);
  if (result.code !== 0) throw new Error(`create-admin failed: ${result.stderr}`);
  const password = /password \(shown once\): (\S+)/.exec(result.stdout)?.[1];
  if (!password) throw new Error('create-admin printed no password');
  return password;
}

/** A browser's view of the console API: it keeps the session cookie and sends the CSRF header. */
export class AdminClient {
  cookie: string | undefined;
  csrfToken: string | undefined;

  /**
   * @param clientAddress sent as X-Forwarded-For (the test stack trusts one proxy hop), so that
   * the per-address sign-in limit of one test does not lock out the next.
   */
  constructor(
    private readonly gatewayUrl: string,
    private readonly clientAddress: string,
  ) {}

  async signIn(email: string, password: string, totp?: string): Promise<AdminAnswer> {
    const answer = await this.request(
      'POST',
      '/session',
      { email, password, ...(totp ? { totp } : {}) },
      {
        csrf: false,
      },
    );
    const setCookie = answer.headers.get('set-cookie');
    if (answer.status === 200 && setCookie) {
      this.cookie = setCookie.split(';')[0];
      this.csrfToken = answer.body.csrfToken as string;
    }
    return answer;
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean; cookie?: boolean; csrfToken?: string } = {},
  ): Promise<AdminAnswer> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.clientAddress };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.cookie !== false && this.cookie) headers.cookie = this.cookie;
    const csrf = options.csrfToken ?? this.csrfToken;
    if (options.csrf !== false && csrf) headers['x-otk-csrf'] = csrf;
    const response = await fetch(`${this.gatewayUrl}/api/v1/admin${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const answer = {
      status: response.status,
      headers: response.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
    // Every answer of the console API must be as docs/api/openapi.yaml describes it.
    const template = `/admin${path
      .split('?')[0]!
      .replace(/\/[0-9a-f-]{36}(?=\/|$)/, '/{id}')
      .replace(/^(\/catalogue\/(?:practitioners|groups|appointment-types|resources))\/[^/]+$/, '$1/{id}')}`;
    if (text) matchesOpenApi(method, template, answer.status, answer.body);
    return answer;
  }
}
