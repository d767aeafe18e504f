import { randomBytes } from 'node:crypto';

let slotCounter = 0;

/** A hold request for a distinct future slot each call, so tests never collide by accident. */
export function aHoldRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  slotCounter += 1;
  const start = new Date(Date.UTC(2030, 0, 1, 8) + slotCounter * 60 * 60 * 1000);
  const end = new Date(start.getTime() + 30 * 60 * 1000);
  return {
    appointmentTypeId: 'checkup',
    practitionerId: 'dr-muster',
    start: start.toISOString(),
    end: end.toISOString(),
    language: 'de',
    patient: { firstName: 'Anna', lastName: 'Beispiel', email: `anna.${randomBytes(4).toString('hex')}@example.ch` },
    ...overrides,
  };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
