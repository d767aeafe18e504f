import { randomBytes } from 'node:crypto';

/** A slot availability offers, as GET /api/v1/availability lists it. */
export interface OfferedSlot {
  start: string;
  end: string;
  practitionerId: string;
}

/**
 * A hold request body (POST /api/v1/holds) for a new patient each call, with a fresh e-mail
 * address. Pass the slot: only a slot availability offers can be held.
 */
export function aHoldRequest(
  slot: Partial<OfferedSlot> & { appointmentTypeId?: string } = {},
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & { patient: Record<string, string> & { email: string } } {
  return {
    appointmentTypeId: slot.appointmentTypeId ?? 'checkup',
    practitionerId: slot.practitionerId ?? 'dr-muster',
    start: slot.start ?? '2030-01-07T08:00:00+01:00',
    channel: 'email',
    language: 'de',
    patient: {
      firstName: 'Anna',
      lastName: 'Beispiel',
      birthDate: '1985-02-03',
      email: `anna.${randomBytes(4).toString('hex')}@example.ch`,
    },
    consent: { accepted: true, privacyPolicyVersion: '2026-01' },
    ...overrides,
  };
}

/**
 * The free slots availability offers for one type and practitioner over the next `days` days,
 * thinned so that no two of them overlap (with `gapMinutes` between the start of one and the
 * next, enough for the type's duration and buffers): tests can hold each without collisions.
 */
export async function offeredSlots(
  gatewayUrl: string,
  query: { appointmentType: string; practitioner: string; days?: number; gapMinutes?: number },
): Promise<OfferedSlot[]> {
  const today = new Date();
  const to = new Date(today.getTime() + (query.days ?? 60) * 86400_000);
  const url = new URL(`${gatewayUrl}/api/v1/availability`);
  url.search = new URLSearchParams({
    appointmentType: query.appointmentType,
    practitioner: query.practitioner,
    from: today.toISOString().slice(0, 10),
    to: to.toISOString().slice(0, 10),
  }).toString();
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url.pathname} answered ${response.status}`);
  const body = (await response.json()) as { days: { slots: OfferedSlot[] }[] };
  const gapMs = (query.gapMinutes ?? 60) * 60_000;
  const picked: OfferedSlot[] = [];
  for (const slot of body.days.flatMap((d) => d.slots)) {
    const last = picked.at(-1);
    if (!last || Date.parse(slot.start) - Date.parse(last.start) >= gapMs) picked.push(slot);
  }
  return picked;
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

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
