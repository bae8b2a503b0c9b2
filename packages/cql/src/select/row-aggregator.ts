import { bytesEqual } from '@charybdis/schema';
import type { RowView } from './row-view';
import type { SelectPlan } from './select-plan';
import { firstValueState } from './selector-nodes';
import type { AggregateState } from './selector-nodes';

/**
 * Groups rows (GROUP BY on a primary key prefix, or one group for the whole query) and
 * aggregates each: aggregate selectors fold every row, plain selectors keep the group's
 * first row's value. Rows arrive in partition then clustering order, so a group ends
 * when its key changes. LIMIT counts groups.
 */
export class RowAggregator {
  private states: AggregateState[] | null = null;
  private groupKey: (Uint8Array | null)[] | null = null;
  private readonly rows: (Uint8Array | null)[][] = [];

  constructor(private readonly plan: SelectPlan, private readonly view: RowView, private readonly limit: number | undefined) {}

  private newStates(): AggregateState[] {
    return this.plan.selection.selectors.map((s) => (s.kind === 'aggregate' ? s.create() : firstValueState(s)));
  }

  /** The current row's group key: its first `groupByColumns` primary key values. */
  private currentKey(): (Uint8Array | null)[] {
    const n = this.plan.groupByColumns;
    const key: (Uint8Array | null)[] = [];
    const t = this.plan.table;
    for (let i = 0; i < n; i++) {
      const c = i < t.partitionKey.length ? t.partitionKey[i]! : t.clustering[i - t.partitionKey.length]!;
      key.push(this.view.values[c.index] ?? null);
    }
    return key;
  }

  private sameGroup(key: readonly (Uint8Array | null)[]): boolean {
    const cur = this.groupKey!;
    for (let i = 0; i < key.length; i++) {
      const a = key[i]!;
      const b = cur[i]!;
      if (a === null || b === null ? a !== b : !bytesEqual(a, b)) return false;
    }
    return true;
  }

  private flush(): void {
    if (this.states !== null) this.rows.push(this.states.map((s) => s.result()));
    this.states = null;
  }

  /** Adds the row in the view; false when LIMIT groups are complete (stop reading). */
  add(): boolean {
    if (this.plan.groupByColumns > 0) {
      const key = this.currentKey();
      if (this.groupKey === null || !this.sameGroup(key)) {
        this.flush();
        if (this.limit !== undefined && this.rows.length >= this.limit) return false;
        this.groupKey = key;
      }
    }
    this.states ??= this.newStates();
    for (const s of this.states) s.add(this.view);
    return true;
  }

  /** The result rows; without GROUP BY, one row even when nothing was read. */
  finish(): (Uint8Array | null)[][] {
    if (this.plan.groupByColumns === 0 && this.states === null) this.states = this.newStates();
    this.flush();
    return this.limit === undefined ? this.rows : this.rows.slice(0, this.limit);
  }
}
