import { MetricsRegistry, type Counter, type Gauge, type Histogram } from '@charybdis/core';
import { ErrorCode, Opcode } from '../src/protocol/opcodes';
import { EventBus, type EventSubscriber } from '../src/transport/event-bus';
import { RegistryTransportMetrics } from '../src/transport/registry-transport-metrics';
import { RequestMemoryBudget } from '../src/transport/request-memory-budget';
import { supportedOptions } from '../src/transport/supported-options';
import type { ServerEvent } from '../src/protocol/response-types';

describe('RequestMemoryBudget', () => {
  it('admits what fits, always admits one request when empty, and wakes waiters on release', () => {
    const budget = new RequestMemoryBudget(100);
    expect(budget.tryAcquire(500)).toBe(true); // larger than the budget, but nothing is held
    expect(budget.tryAcquire(1)).toBe(false);
    let woken = 0;
    budget.wait({ onBudgetAvailable: () => woken++ });
    budget.release(500);
    expect(woken).toBe(1);
    expect(budget.waiting).toBe(0);
    expect(budget.tryAcquire(60)).toBe(true);
    expect(budget.tryAcquire(40)).toBe(true);
    expect(budget.tryAcquire(1)).toBe(false);
    expect(budget.used).toBe(100);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new RequestMemoryBudget(0)).toThrow('positive byte count');
  });
});

describe('EventBus', () => {
  it('delivers an event only to the subscribers of its type, until they unsubscribe', () => {
    const bus = new EventBus();
    const got: string[] = [];
    const a: EventSubscriber = { deliverEvent: (e: ServerEvent) => got.push(`a:${e.type}`) };
    const b: EventSubscriber = { deliverEvent: (e: ServerEvent) => got.push(`b:${e.type}`) };
    bus.subscribe(a, ['SCHEMA_CHANGE', 'STATUS_CHANGE']);
    bus.subscribe(b, ['STATUS_CHANGE', 'STATUS_CHANGE']);
    const status: ServerEvent = { type: 'STATUS_CHANGE', change: 'UP', node: { address: Buffer.from([127, 0, 0, 1]), port: 9042 } };
    expect(bus.publish(status)).toBe(2);
    expect(bus.publish({ type: 'SCHEMA_CHANGE', schema: { change: 'DROPPED', target: 'KEYSPACE', keyspace: 'k' } })).toBe(1);
    bus.unsubscribe(a);
    expect(bus.publish(status)).toBe(1);
    expect(got).toEqual(['a:STATUS_CHANGE', 'b:STATUS_CHANGE', 'a:SCHEMA_CHANGE', 'b:STATUS_CHANGE']);
  });
});

describe('RegistryTransportMetrics', () => {
  it('maps the hooks onto named series of a MetricsRegistry', () => {
    const registry = new MetricsRegistry();
    const m = new RegistryTransportMetrics(registry);
    m.connectionOpened();
    m.connectionOpened();
    m.connectionClosed();
    m.requestReceived(Opcode.QUERY);
    m.requestReceived(Opcode.QUERY);
    m.requestReceived(0x77);
    m.errorSent(ErrorCode.OVERLOADED);
    m.inFlightChanged(1);
    m.inFlightChanged(1);
    m.inFlightChanged(-1);
    const requests = registry.get('cql_requests_total') as Counter<'opcode'>;
    expect(requests.labels({ opcode: 'query' }).value).toBe(2);
    expect(requests.labels({ opcode: 'other' }).value).toBe(1);
    expect((registry.get('cql_errors_total') as Counter<'code'>).labels({ code: 'overloaded' }).value).toBe(1);
    expect((registry.get('cql_connections') as Gauge).labels({}).value).toBe(1);
    expect((registry.get('cql_connections_opened_total') as Counter).value).toBe(2);
    expect((registry.get('cql_requests_in_flight') as Gauge).labels({}).value).toBe(1);
    m.requestCompleted(120);
    m.requestCompleted(3_000_000);
    const latency = registry.get('cql_request_latency_us') as Histogram;
    expect(latency.labels({}).count).toBe(2);
    expect(latency.labels({}).sum).toBe(3_000_120);
  });
});

describe('supportedOptions', () => {
  it('omits SCYLLA_SHARD_AWARE_PORT without a shard-aware listener', () => {
    const options = supportedOptions({ shardId: 3, shardCount: 4, shardAwarePort: null });
    expect(options.has('SCYLLA_SHARD_AWARE_PORT')).toBe(false);
    expect(options.get('SCYLLA_SHARD')).toEqual(['3']);
  });
});
