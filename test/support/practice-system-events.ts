import { createEvent } from '@otk/contracts';
import amqp from 'amqplib';

/** Publishes raw content on the `events` exchange, confirmed, as a producer of the stack would. */
export async function publishToEvents(
  amqpUrl: string,
  routingKey: string,
  content: Buffer,
  properties: { messageId: string; type: string },
): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish('events', routingKey, content, {
      ...properties,
      contentType: 'application/json',
      persistent: true,
    });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** The parts of the console's catalogue (GET /admin/catalogue) that the practice system keeps. */
export interface KeptCatalogue {
  practitioners: { id: string; displayName: string; resourceIds: string[] }[];
  resources: { id: string; name: string; kind: string }[];
  appointmentTypes: { id: string; name: { de: string }; durationMinutes: number }[];
}

/**
 * What pixelmedics-sync publishes under the `http` adapter (ADR 83): here the practice's own
 * catalogue as the practice system would send it, with some practitioners renamed there.
 */
export async function importCatalogueFromPracticeSystem(
  amqpUrl: string,
  catalogue: KeptCatalogue,
  rename: Record<string, string> = {},
): Promise<void> {
  const event = createEvent('practice.catalogueImported', {
    importedAt: new Date().toISOString(),
    practitioners: catalogue.practitioners.map((p) => ({
      id: p.id,
      name: rename[p.id] ?? p.displayName,
      resourceIds: p.resourceIds,
    })),
    resources: catalogue.resources.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind as 'room' | 'device' | 'calendar',
    })),
    appointmentTypes: catalogue.appointmentTypes.map((t) => ({
      id: t.id,
      name: t.name.de,
      durationMinutes: t.durationMinutes,
    })),
  });
  await publishToEvents(amqpUrl, event.type, Buffer.from(JSON.stringify(event)), {
    messageId: event.id,
    type: event.type,
  });
}
