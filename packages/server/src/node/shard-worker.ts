/**
 * Entry point of one shard worker thread. Builds the shard's context, opens its
 * listeners when the supervisor says so (shards listen one after the other, since the
 * shard-aware port's BPF program indexes sockets in listen order), and on `drain` closes
 * everything and lets the thread end with exit code 0. Any uncaught error ends the thread
 * with an error, which the supervisor turns into a node stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Shard, createLogger, shardLogger } from '@charybdis/core';
import type { ShardToSupervisor, ShardWorkerData, SupervisorToShard } from './control-messages';
import { ShardListeners } from './shard-listeners';

function runShard(port: NonNullable<typeof parentPort>, data: ShardWorkerData): void {
  const root = createLogger({ level: data.config.default_log_level, pretty: data.logPretty });
  const shard = new Shard(data.shardId, data.shardCount, shardLogger(root, data.shardId));
  const listeners = new ShardListeners(shard, data.config, data.reusePort);
  const send = (msg: ShardToSupervisor): void => port.postMessage(msg);

  port.on('message', (msg: SupervisorToShard) => {
    switch (msg.kind) {
      case 'listen':
        listeners.open().then(
          (endpoints) => {
            send({ kind: 'listening', endpoints });
            if (data.crashAfterListenMs !== null) {
              setTimeout(() => {
                throw new Error(`injected crash of shard ${shard.id} (CHARYBDIS_INJECT_SHARD_CRASH)`);
              }, data.crashAfterListenMs);
            }
          },
          (err: Error & { code?: string }) => send({ kind: 'listen-failed', message: err.message, code: err.code ?? 'UNKNOWN' }),
        );
        break;
      case 'drain':
        listeners.close().then(
          () => {
            shard.logger.debug('drained');
            port.close(); // nothing else keeps the thread alive: it exits with code 0
          },
          (err) => {
            throw err;
          },
        );
        break;
    }
  });
  shard.logger.debug('shard started');
  send({ kind: 'booted' });
}

if (parentPort === null) throw new Error('shard-worker.js runs only as a worker thread of the charybdis node');
runShard(parentPort, workerData as ShardWorkerData);
