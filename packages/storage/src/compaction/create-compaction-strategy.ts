import type { CompactionOptions } from './compaction-options';
import type { CompactionStrategy, CompactionStrategyContext } from './compaction-task';
import { LeveledStrategy } from './leveled-strategy';
import { SizeTieredStrategy } from './size-tiered-strategy';

/** The strategy object for parsed options (`parseCompactionOptions`). */
export function createCompactionStrategy(options: CompactionOptions, context: CompactionStrategyContext = {}): CompactionStrategy {
  return options.kind === 'LeveledCompactionStrategy' ? new LeveledStrategy(options, context) : new SizeTieredStrategy(options, context);
}
