import type { Command } from './command';
import {
  cleanupCommand,
  compactCommand,
  compactionStatsCommand,
  decommissionCommand,
  disableAutoCompactionCommand,
  disableBinaryCommand,
  drainCommand,
  enableAutoCompactionCommand,
  enableBinaryCommand,
  flushCommand,
  getTraceProbabilityCommand,
  setTraceProbabilityCommand,
  statusBinaryCommand,
  statusGossipCommand,
} from './maintenance-commands';
import { describeRingCommand, getEndpointsCommand, infoCommand, ringCommand, statusCommand, versionCommand } from './node-commands';
import { clearSnapshotCommand, listSnapshotsCommand, snapshotCommand } from './snapshot-commands';
import { tableHistogramsCommand, tableStatsCommand } from './table-commands';

/** Every command nodetool knows (help lists them in this order, sorted by name). */
export const COMMANDS: readonly Command[] = [
  cleanupCommand,
  clearSnapshotCommand,
  compactCommand,
  compactionStatsCommand,
  decommissionCommand,
  describeRingCommand,
  disableAutoCompactionCommand,
  disableBinaryCommand,
  drainCommand,
  enableAutoCompactionCommand,
  enableBinaryCommand,
  flushCommand,
  getEndpointsCommand,
  getTraceProbabilityCommand,
  infoCommand,
  listSnapshotsCommand,
  ringCommand,
  setTraceProbabilityCommand,
  snapshotCommand,
  statusCommand,
  statusBinaryCommand,
  statusGossipCommand,
  tableHistogramsCommand,
  tableStatsCommand,
  versionCommand,
];

/** The command named `name` (or one of its aliases). */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name || (c.aliases ?? []).includes(name));
}
