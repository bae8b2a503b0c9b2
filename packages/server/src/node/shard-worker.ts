/**
 * Entry point of one shard worker thread. Builds the shard's runtime (scheduler, smp,
 * metrics), answers the supervisor's control messages, opens its listeners when told to
 * (shards listen one after the other, since the shard-aware port's BPF program indexes
 * sockets in listen order), and on `drain` closes everything and lets the thread end with
 * exit code 0. Any uncaught error ends the thread with an error, which the supervisor
 * turns into a node stop.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { Shard } from '@charybdis/core';
import { bootShard, createLogger, shardLogger } from '@charybdis/core';
import type { ShardToSupervisor, ShardWorkerData, SupervisorToShard } from './control-messages';
import { ShardServices } from './shard-services';
import { ShardListeners } from './shard-listeners';
import { runShardAdmin } from './admin/shard-admin';

type ControlPort = NonNullable<typeof parentPort>;

/** Shard 0 checks that every shard answers over smp (every ring from 0 carries a request). */
async function smpCheck(shard: Shard, send: (msg: ShardToSupervisor) => void): Promise<void> {
  const start = performance.now();
  try {
    const answered = await shard.smp.invokeOnAll<number>('reactor.ping', null, { timeoutMs: 10_000 });
    send({ kind: 'smp-checked', ok: true, shardsAnswered: answered, elapsedUs: Math.round((performance.now() - start) * 1000) });
  } catch (err) {
    const e = err as Error & { code?: string };
    send({ kind: 'smp-checked', ok: false, message: e.message, code: e.code ?? 'UNKNOWN' });
  }
}

function runShard(port: ControlPort, data: ShardWorkerData): void {
  const root = createLogger({ level: data.config.default_log_level, pretty: data.logPretty });
  const shard = bootShard({
    id: data.shardId,
    count: data.shardCount,
    logger: shardLogger(root, data.shardId),
    smpBuffers: data.smpBuffers,
    ioDisk: data.ioDisk,
  });
  const send = (msg: ShardToSupervisor): void => port.postMessage(msg);
  const fatal = (err: unknown): void => {
    // Rethrown outside the promise chain: an uncaught error ends the thread, and the
    // supervisor stops the node saying why.
    setImmediate(() => {
      throw err;
    });
  };

  let services: ShardServices | null = null;
  const listeners = new ShardListeners(shard, data.config, data.reusePort, (socket) => {
    if (services === null) socket.destroy();
    else services.accept(socket);
  });
  port.on('message', (msg: SupervisorToShard) => {
    switch (msg.kind) {
      case 'open-tables':
        if (services === null) {
          fatal(new Error('open-tables before the shard booted'));
          break;
        }
        services.openTables().then((r) => send({ kind: 'tables-opened', ...r }), fatal);
        break;
      case 'smp-check':
        smpCheck(shard, send).catch(fatal);
        break;
      case 'listen':
        listeners.open().then(
          (endpoints) => {
            send({ kind: 'listening', endpoints });
            if (data.crashAfterListenMs !== null) {
              setTimeout(() => fatal(new Error(`injected crash of shard ${shard.id} (CHARYBDIS_INJECT_SHARD_CRASH)`)), data.crashAfterListenMs);
            }
          },
          (err: Error & { code?: string }) => send({ kind: 'listen-failed', message: err.message, code: err.code ?? 'UNKNOWN' }),
        );
        break;
      case 'admin': {
        const requestId = msg.requestId;
        if (services === null) {
          send({ kind: 'admin-reply', requestId, reply: { ok: false, code: 'CHARYBDIS_ADMIN_UNAVAILABLE', message: `shard ${shard.id} is still starting` } });
          break;
        }
        const s = services;
        const stopClients = async (): Promise<void> => {
          await listeners.close();
          await s.closeClients();
        };
        const startClients = async (): Promise<void> => {
          await listeners.open();
        };
        const target = { db: s.db, schema: s.schema, stopClients, startClients };
        void runShardAdmin(target, msg.request).then((reply) => send({ kind: 'admin-reply', requestId, reply }));
        break;
      }
      case 'collect-metrics':
        send({ kind: 'metrics', requestId: msg.requestId, snapshot: shard.collectMetrics() });
        break;
      case 'drain':
        listeners
          .close()
          .then(async () => {
            // Like nodetool drain: memtables to SSTables, so the next start replays nothing.
            await services?.drain();
          })
          .then(() => shard.stop())
          .then(() => {
            shard.logger.debug('drained');
            port.close(); // nothing else keeps the thread alive: it exits with code 0
          }, fatal);
        break;
    }
  });
  ShardServices.boot(shard, data)
    .then((s) => {
      services = s;
      shard.logger.debug('shard started');
      send({ kind: 'booted', ioBackend: shard.io.backendKind, ioBackendReason: shard.io.backendReason });
    })
    .catch(fatal);
}

if (parentPort === null) throw new Error('shard-worker.js runs only as a worker thread of the charybdis node');
runShard(parentPort, workerData as ShardWorkerData);
