import { loadNodeIdentity } from './node-identity';
import type { NodeIdentity } from './node-identity';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@charybdis/core';
import type { IoDiskProperties, MetricsSnapshot, ShardMetricsSnapshot, SmpBuffers } from '@charybdis/core';
import { DEFAULT_RELEASE_VERSION } from '@charybdis/cql';
import { CharybdisError, createSmpBuffers, nativeStatus, renderPrometheus, reusePortAvailable, subsystemLogger } from '@charybdis/core';
import type { NodeConfig } from '../config';
import type { ListenerEndpoint, ShardToSupervisor, ShardWorkerData, SupervisorToShard } from './control-messages';
import { DirectoryLock } from './directory-lock';
import { loadIoDisk } from './load-io-disk';
import { MetricsEndpoint } from './metrics-endpoint';
import { assertPortFree } from './port-probe';
import { AdminApi } from './admin/admin-api';
import type { AdminNode } from './admin/admin-context';
import type { AdminRequest } from './admin/admin-requests';
import { ShardRequests } from './admin/shard-requests';
import { charybdisVersion } from './charybdis-version';
import { LOCAL_DATA_CENTER, LOCAL_RACK } from './node-location';

/** How long the admin API waits for the shards' metrics before it answers 504. */
export const ADMIN_METRICS_TIMEOUT_MS = 10_000;

/** How long a drain may take before the shards are terminated and the node exits 1. */
export const DRAIN_TIMEOUT_MS = 30_000;

/** Options of {@link NodeSupervisor}. */
export interface NodeSupervisorOptions {
  config: NodeConfig;
  logger: Logger;
  logPretty: boolean;
  /** Fault injection for tests (CHARYBDIS_INJECT_SHARD_CRASH): crash this shard after listening. */
  crashShard: number | null;
}

interface ShardHandle {
  id: number;
  worker: Worker;
  exited: Promise<number>;
}

/**
 * The main thread of a node: a thin supervisor (DESIGN.md §1). It locks the node's
 * directories, checks the client ports, starts one worker per shard, has the shards open
 * their listeners one after the other, and then only watches: a shard that dies stops the
 * node (a partial node is worse than a down node); SIGTERM/SIGINT drain every shard.
 */
export class NodeSupervisor {
  private readonly log: Logger;
  private readonly shards: ShardHandle[] = [];
  private lock: DirectoryLock | null = null;
  private metricsEndpoint: MetricsEndpoint | null = null;
  private adminApi: AdminApi | null = null;
  // 'starting' too: the API's first snapshot sweep runs just before the node says it is ready.
  private readonly adminRequests = new ShardRequests(() => (this.state === 'running' || this.state === 'starting' ? this.shards.map((s) => s.worker) : []));
  private nextMetricsRequest = 0;
  private readonly metricsRequests = new Map<number, { snapshots: (MetricsSnapshot | null)[]; missing: number; done: () => void }>();
  private state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' = 'idle';
  private readonly finished: Promise<number>;
  private finish!: (exitCode: number) => void;

  constructor(private readonly opts: NodeSupervisorOptions) {
    this.log = subsystemLogger(opts.logger, 'supervisor');
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  /**
   * Starts the node. Resolves once every shard listens; rejects with a CharybdisError
   * (one line, naming the setting or directory) when the node cannot start, after
   * releasing whatever it took.
   */
  async start(): Promise<void> {
    this.state = 'starting';
    const { config } = this.opts;
    const status = nativeStatus();
    if (status.kind === 'native') this.log.info({ addon: status.path }, 'native addon loaded');
    else this.log.warn({ addon: status.path, reason: status.reason }, 'native addon unavailable: using pure-TypeScript fallbacks');
    try {
      this.lock = DirectoryLock.acquire([config.workdir, ...config.data_file_directories, config.commitlog_directory], (file, pid) =>
        this.log.warn({ file, pid }, 'taking over a stale lock left by a node that is no longer running'),
      );
      const reusePort = reusePortAvailable();
      if (!reusePort) {
        this.log.warn('without SO_REUSEPORT only shard 0 accepts CQL connections, and there is no shard-aware port');
      }
      await assertPortFree(config.rpc_address, config.native_transport_port, 'native_transport_port');
      if (reusePort) {
        await assertPortFree(config.rpc_address, config.native_shard_aware_transport_port, 'native_shard_aware_transport_port');
      }
      await assertPortFree(config.prometheus_address, config.prometheus_port, 'prometheus_port');
      await assertPortFree(config.api_address, config.api_port, 'api_port');
      const io = loadIoDisk(config.io_properties_file, config.data_file_directories[0]!);
      if (io.warning !== null) this.log.warn(io.warning);
      const smpBuffers = createSmpBuffers(config.smp, {});
      const identity = await loadNodeIdentity(config.data_file_directories[0]!);
      const startedAtSeconds = Math.floor(Date.now() / 1000);
      for (let id = 0; id < config.smp; id++) this.shards.push(this.spawnShard(id, reusePort, smpBuffers, io.disk, identity, startedAtSeconds));
      const booted = await Promise.all(this.shards.map((s) => this.expect(s, 'booted')));
      this.log.info(
        { ioBackend: booted[0]!.ioBackend, reason: booted[0]!.ioBackendReason, disk: io.disk.mountpoints, defaults: io.disk.isDefault },
        `disk I/O through ${booted[0]!.ioBackend}`,
      );
      const smpCheck = await this.checkSmp();
      // Every shard has replayed its schema tables; now each reads the schema, opens the
      // user tables and replays the rest of its commitlog.
      for (const shard of this.shards) shard.worker.postMessage({ kind: 'open-tables' } satisfies SupervisorToShard);
      const opened = await Promise.all(this.shards.map((s) => this.expect(s, 'tables-opened')));
      this.log.info({ tables: opened[0]!.tables, replayed: opened.reduce((n, o) => n + o.replayed, 0) }, 'schema loaded, tables opened, commitlog replayed');
      const endpoints: ListenerEndpoint[] = [];
      for (const shard of this.shards) {
        shard.worker.postMessage({ kind: 'listen' } satisfies SupervisorToShard);
        const reply = await this.expect(shard, 'listening');
        endpoints.push(...reply.endpoints);
      }
      this.metricsEndpoint = new MetricsEndpoint(() => this.collectMetrics(), this.log);
      await this.metricsEndpoint.listen(config.prometheus_address, config.prometheus_port);
      this.adminApi = new AdminApi(this.adminNode(identity, startedAtSeconds), subsystemLogger(this.opts.logger, 'api'));
      await this.adminApi.start(config.api_address, config.api_port);
      this.state = 'running';
      this.logReady(endpoints, reusePort, smpCheck.elapsedUs);
    } catch (err) {
      this.state = 'stopping';
      await this.metricsEndpoint?.close();
      await this.adminApi?.stop();
      await this.terminateAll();
      this.releaseLock();
      this.state = 'stopped';
      throw err;
    }
  }

  /** Resolves with the process exit code once the node has stopped, for whatever reason. */
  get done(): Promise<number> {
    return this.finished;
  }

  /** Drains every shard and stops; the exit code is 0 unless the drain failed or timed out. */
  async stop(reason: string): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.state = 'stopping';
    this.log.info({ reason }, 'draining');
    this.adminRequests.failAll('the node is stopping');
    await this.metricsEndpoint?.close();
    await this.adminApi?.stop();
    for (const s of this.shards) s.worker.postMessage({ kind: 'drain' } satisfies SupervisorToShard);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), DRAIN_TIMEOUT_MS);
    });
    const outcome = await Promise.race([Promise.all(this.shards.map((s) => s.exited)), timeout]);
    clearTimeout(timer);
    let exitCode = 0;
    if (outcome === 'timeout') {
      this.log.error({ timeoutMs: DRAIN_TIMEOUT_MS }, 'drain timed out; terminating shards');
      await this.terminateAll();
      exitCode = 1;
    } else if (outcome.some((code) => code !== 0)) {
      exitCode = 1;
    }
    this.releaseLock();
    this.state = 'stopped';
    this.log.info({ exitCode }, 'node stopped');
    this.finish(exitCode);
  }

  /** Shard 0 pings every shard over smp: the rings work before the node says it is ready. */
  private async checkSmp(): Promise<{ elapsedUs: number }> {
    const first = this.shards[0]!;
    first.worker.postMessage({ kind: 'smp-check' } satisfies SupervisorToShard);
    const reply = await this.expect(first, 'smp-checked');
    if (!reply.ok) {
      throw new CharybdisError('CHARYBDIS_SMP_CHECK_FAILED', `cross-shard messaging does not work: ${reply.message} [${reply.code}]`);
    }
    const expected = this.shards.map((s) => s.id);
    if (JSON.stringify(reply.shardsAnswered) !== JSON.stringify(expected)) {
      throw new CharybdisError('CHARYBDIS_SMP_CHECK_FAILED', `smp check: shards answered ${JSON.stringify(reply.shardsAnswered)}`);
    }
    return reply;
  }

  /** Every shard's metrics snapshot, rendered in the Prometheus text format. */
  private async collectMetrics(): Promise<string> {
    return renderPrometheus(await this.collectSnapshots());
  }

  /** Every shard's metrics snapshot. Never settles if a shard does not answer: callers bound the wait. */
  private collectSnapshots(): Promise<ShardMetricsSnapshot[]> {
    const requestId = this.nextMetricsRequest++;
    const snapshots: (MetricsSnapshot | null)[] = this.shards.map(() => null);
    return new Promise<ShardMetricsSnapshot[]>((resolve) => {
      const done = (): void => {
        this.metricsRequests.delete(requestId);
        resolve(snapshots.flatMap((snapshot, shard) => (snapshot === null ? [] : [{ shard, snapshot }])));
      };
      this.metricsRequests.set(requestId, { snapshots, missing: this.shards.length, done });
      for (const s of this.shards) s.worker.postMessage({ kind: 'collect-metrics', requestId } satisfies SupervisorToShard);
      // A scrape that times out (MetricsEndpoint) leaves its entry; drop it then.
      setTimeout(() => this.metricsRequests.delete(requestId), 30_000).unref();
    });
  }

  /** What the admin API knows of this node and how it reaches the shards. */
  private adminNode(identity: NodeIdentity, startedAtSeconds: number): AdminNode {
    const requests = this.adminRequests;
    return {
      config: this.opts.config,
      hostId: identity.hostId,
      tokens: identity.tokens,
      dataCenter: LOCAL_DATA_CENTER,
      rack: LOCAL_RACK,
      releaseVersion: DEFAULT_RELEASE_VERSION,
      version: charybdisVersion(),
      startedAtMs: startedAtSeconds * 1000,
      generation: startedAtSeconds,
      mode: 'NORMAL',
      nativeTransport: true,
      async ask(request: AdminRequest, timeoutMs: number, shards?: readonly number[]): Promise<unknown[]> {
        const replies = await requests.send(request, timeoutMs, shards);
        const failed = replies.find((r) => !r.ok);
        if (failed !== undefined && !failed.ok) throw new CharybdisError(failed.code, failed.message);
        return replies.map((r) => (r.ok ? r.result : null));
      },
      metrics: () => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new CharybdisError('CHARYBDIS_ADMIN_TIMEOUT', `shards did not send their metrics within ${ADMIN_METRICS_TIMEOUT_MS} ms`)),
            ADMIN_METRICS_TIMEOUT_MS,
          );
        });
        return Promise.race([this.collectSnapshots(), timeout]).finally(() => clearTimeout(timer));
      },
    };
  }

  private onShardMessage(shard: ShardHandle, msg: ShardToSupervisor): void {
    if (msg.kind === 'admin-reply') {
      this.adminRequests.onReply(shard.id, msg.requestId, msg.reply);
      return;
    }
    if (msg.kind !== 'metrics') return;
    const pending = this.metricsRequests.get(msg.requestId);
    if (pending === undefined || pending.snapshots[shard.id] !== null) return;
    pending.snapshots[shard.id] = msg.snapshot;
    if (--pending.missing === 0) pending.done();
  }

  private spawnShard(
    id: number,
    reusePort: boolean,
    smpBuffers: SmpBuffers,
    ioDisk: IoDiskProperties,
    identity: NodeIdentity,
    startedAtSeconds: number,
  ): ShardHandle {
    const data: ShardWorkerData = {
      shardId: id,
      shardCount: this.opts.config.smp,
      config: this.opts.config,
      logPretty: this.opts.logPretty,
      reusePort,
      crashAfterListenMs: this.opts.crashShard === id ? 200 : null,
      smpBuffers,
      ioDisk,
      identity: { hostId: identity.hostId, tokens: identity.tokens },
      startedAtSeconds,
    };
    const worker = new Worker(path.join(__dirname, 'shard-worker.js'), { workerData: data, stdout: false, stderr: false });
    const handle: ShardHandle = {
      id,
      worker,
      exited: new Promise((resolve) => worker.once('exit', resolve)),
    };
    worker.on('message', (msg: ShardToSupervisor) => this.onShardMessage(handle, msg));
    let failure: Error | null = null;
    worker.on('error', (err) => {
      failure = err;
    });
    void handle.exited.then((code) => this.onShardExit(handle, code, failure));
    return handle;
  }

  private onShardExit(shard: ShardHandle, code: number, failure: Error | null): void {
    // While starting, expect() turns the exit into start()'s error; while stopping, stop()
    // or abort() collect the exit codes. Only a shard dying in a running node lands here.
    if (this.state !== 'running') return;
    const why = failure !== null ? (failure.stack ?? failure.message) : `thread exited with code ${code}`;
    this.log.fatal({ shard: shard.id, exitCode: code }, `shard ${shard.id} died: ${why}; stopping the node`);
    void this.abort();
  }

  /** Stops after a shard died: the remaining shards are terminated, the node exits 1. */
  private async abort(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    this.adminRequests.failAll('a shard died: the node is stopping');
    await this.adminApi?.stop();
    await this.metricsEndpoint?.close();
    await this.terminateAll();
    this.releaseLock();
    this.state = 'stopped';
    this.finish(1);
  }

  /** Waits for one message of the given kind from a shard; rejects if it fails or exits. */
  private expect<K extends ShardToSupervisor['kind']>(
    shard: ShardHandle,
    kind: K,
  ): Promise<Extract<ShardToSupervisor, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (msg: ShardToSupervisor): void => {
        if (msg.kind === kind) {
          cleanup();
          resolve(msg as Extract<ShardToSupervisor, { kind: K }>);
        } else if (msg.kind === 'listen-failed') {
          cleanup();
          reject(new CharybdisError('CHARYBDIS_LISTEN_FAILED', msg.message));
        }
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(new CharybdisError('CHARYBDIS_SHARD_FAILED', `shard ${shard.id} failed while starting: ${err.message}`, { cause: err }));
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(new CharybdisError('CHARYBDIS_SHARD_FAILED', `shard ${shard.id} exited with code ${code} while starting`));
      };
      const cleanup = (): void => {
        shard.worker.off('message', onMessage);
        shard.worker.off('error', onError);
        shard.worker.off('exit', onExit);
      };
      shard.worker.on('message', onMessage);
      shard.worker.on('error', onError);
      shard.worker.on('exit', onExit);
    });
  }

  private async terminateAll(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
  }

  private releaseLock(): void {
    this.lock?.release();
    this.lock = null;
  }

  private logReady(endpoints: ListenerEndpoint[], reusePort: boolean, smpCheckUs: number): void {
    const { config } = this.opts;
    const cql = `${config.rpc_address}:${config.native_transport_port}`;
    const shardAware = reusePort ? `, shard-aware port ${config.native_shard_aware_transport_port}` : '';
    this.log.info(
      {
        event: 'node_ready',
        shards: config.smp,
        cql,
        shardAwarePort: reusePort ? config.native_shard_aware_transport_port : null,
        listeners: endpoints.length,
        smpCheckUs,
        prometheus: `${config.prometheus_address}:${config.prometheus_port}`,
        api: `${config.api_address}:${config.api_port}`,
        memoryBytesPerShard: Math.floor(config.memory / config.smp),
        dataDirectories: config.data_file_directories,
        cpus: os.availableParallelism(),
      },
      `Charybdis node ready: ${config.smp} shard${config.smp === 1 ? '' : 's'}, CQL on ${cql}${shardAware}`,
    );
  }
}
