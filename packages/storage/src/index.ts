/**
 * @charybdis/storage — commitlog, memtables, SSTables, compaction. See README.md.
 */
export * from './commitlog';
export * from './memtable';
