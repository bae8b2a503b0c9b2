import { CharybdisError } from '../../errors';
import type { IoDiskProperties } from './io-properties';
import { IoQueueErrorCode } from './io-queue-errors';

/**
 * The part of a disk one shard may use when `shardCount` shards share it equally: every
 * rate divided by `shardCount`. Each shard runs its own I/O queue with nothing shared
 * between them, so giving each the whole disk would put `shardCount` latency goals of work
 * in the device at once; with this model each shard's window is its share of one latency
 * goal and the device as a whole stays within it (see README.md, "Shards sharing a disk").
 * The price: a shard alone on an idle disk gets only its share.
 */
export function perShardDisk(disk: IoDiskProperties, shardCount: number): IoDiskProperties {
  if (!(Number.isSafeInteger(shardCount) && shardCount > 0)) {
    throw new CharybdisError(IoQueueErrorCode.invalidOption, `perShardDisk: shardCount must be a positive integer, got ${String(shardCount)}`);
  }
  return {
    ...disk,
    readIops: disk.readIops / shardCount,
    readBandwidthBytesPerSec: disk.readBandwidthBytesPerSec / shardCount,
    writeIops: disk.writeIops / shardCount,
    writeBandwidthBytesPerSec: disk.writeBandwidthBytesPerSec / shardCount,
  };
}
