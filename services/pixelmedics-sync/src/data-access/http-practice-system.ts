import type { z } from 'zod';
import type {
  BusyTime,
  CalendarEntryData,
  Contact,
  ContactData,
  ContactQuery,
  PracticeCatalogue,
  PracticeSystem,
} from '../domain/practice-system.port.js';
import { PracticeSystemRejection } from '../domain/practice-system.port.js';
import {
  busyTimesSchema,
  catalogueSchema,
  contactSchema,
  contactsSchema,
  createdEntrySchema,
} from './practice-system.http-contract.js';

/**
 * A ::pixelmedics connector over HTTP. Network errors, timeouts, 408, 429 and 5xx are temporary
 * (the caller retries with the same idempotency key); any other 4xx is a rejection.
 */
export class HttpPracticeSystem implements PracticeSystem {
  constructor(private readonly options: { baseUrl: string; apiKey: string; timeoutMs: number }) {}

  readCatalogue(): Promise<PracticeCatalogue> {
    return this.request('GET', '/v1/catalogue', { schema: catalogueSchema });
  }

  async readBusyTimes(from: Date, to: Date): Promise<BusyTime[]> {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    return (await this.request('GET', `/v1/busy-times?${query}`, { schema: busyTimesSchema })).busyTimes;
  }

  async findContacts(query: ContactQuery): Promise<Contact[]> {
    const params = new URLSearchParams({ ...query });
    return (await this.request('GET', `/v1/contacts?${params}`, { schema: contactsSchema })).contacts;
  }

  createProspect(data: ContactData, idempotencyKey: string): Promise<Contact> {
    return this.request('POST', '/v1/prospects', { body: data, idempotencyKey, schema: contactSchema });
  }

  async appendNote(contactId: string, text: string, idempotencyKey: string): Promise<void> {
    await this.request('POST', `/v1/contacts/${encodeURIComponent(contactId)}/notes`, {
      body: { text },
      idempotencyKey,
    });
  }

  async addToPatientGroup(contactId: string, group: string, idempotencyKey: string): Promise<void> {
    const path = `/v1/contacts/${encodeURIComponent(contactId)}/groups/${encodeURIComponent(group)}`;
    await this.request('PUT', path, { idempotencyKey });
  }

  createCalendarEntry(entry: CalendarEntryData, idempotencyKey: string): Promise<{ entryId: string }> {
    return this.request('POST', '/v1/calendar-entries', { body: entry, idempotencyKey, schema: createdEntrySchema });
  }

  async updateCalendarEntry(entryId: string, entry: CalendarEntryData, idempotencyKey: string): Promise<void> {
    await this.request('PUT', `/v1/calendar-entries/${encodeURIComponent(entryId)}`, { body: entry, idempotencyKey });
  }

  async deleteCalendarEntry(entryId: string, idempotencyKey: string): Promise<void> {
    await this.request('DELETE', `/v1/calendar-entries/${encodeURIComponent(entryId)}`, { idempotencyKey });
  }

  private async request<S extends z.ZodType>(
    method: string,
    path: string,
    options: { body?: unknown; idempotencyKey?: string; schema?: S },
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: 'application/json',
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const response = await fetch(`${this.options.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) {
      const text = (await response.text()).slice(0, 300);
      const message = `practice system answered ${response.status} to ${method} ${path.split('?')[0]}: ${text}`;
      const temporary = response.status >= 500 || response.status === 408 || response.status === 429;
      throw temporary ? new Error(message) : new PracticeSystemRejection(message);
    }
    if (!options.schema) return undefined as z.output<S>;
    const parsed = options.schema.safeParse(await response.json());
    if (!parsed.success) {
      throw new PracticeSystemRejection(`practice system answered ${method} ${path.split('?')[0]} off the contract`);
    }
    return parsed.data;
  }
}
