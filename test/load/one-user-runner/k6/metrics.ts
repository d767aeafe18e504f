/** Stand-in for `k6/metrics`: each value added goes to the runner, which evaluates thresholds. */
import { emit, send } from '../bridge.js';
import type { MetricType } from '../protocol.js';

class Metric {
  constructor(
    readonly name: string,
    private readonly type: MetricType,
  ) {
    send({ kind: 'define', name, type });
  }

  add(value: number | boolean, tags: Record<string, string> = {}): void {
    emit(this.name, this.type, Number(value), tags);
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
}

export class Gauge extends Metric {
  constructor(name: string) {
    super(name, 'gauge');
  }
}

export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate');
  }
}

export class Trend extends Metric {
  constructor(name: string, _isTime = false) {
    super(name, 'trend');
  }
}
