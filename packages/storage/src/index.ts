/**
 * @charybdis/storage — commitlog, memtables, SSTables, compaction. See README.md.
 */
export * from './commitlog';
export * from './memtable';
export * from './partition-stream';
export * from './read';
export * from './sstable';
export * from './compaction';
