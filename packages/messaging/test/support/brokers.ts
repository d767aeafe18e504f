import { Broker, type BrokerOptions } from '../../src/index.js';
import { pino } from 'pino';
import { Registry } from 'prom-client';

/** Opens brokers for a test and closes whatever is still open afterwards. */
export class TestBrokers {
  private readonly open: Broker[] = [];

  constructor(private readonly url: string) {}

  async connect(options: Partial<BrokerOptions> = {}): Promise<{ broker: Broker; registry: Registry }> {
    const registry = options.registry ?? new Registry();
    const broker = new Broker({
      url: this.url,
      service: 'messaging-test',
      logger: pino({ level: 'silent' }),
      ...options,
      registry,
    });
    this.open.push(broker);
    await broker.waitUntilConnected();
    return { broker, registry };
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((broker) => broker.close(1000)));
  }
}

/** The value of one labelled series of a counter, 0 when the series does not exist yet. */
export async function counterValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const series = values.find((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label));
  return series?.value ?? 0;
}
