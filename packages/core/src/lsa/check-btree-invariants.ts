import type { LsaBTree } from './lsa-btree';

/**
 * Walks the whole tree and checks the B-tree invariants: every leaf at the same depth,
 * every non-root node holding t−1..2t−1 keys, keys strictly increasing in order by the
 * tree's comparator, every key a live handle of the region, and `size` equal to the
 * number of keys. Throws an Error naming the first violation; returns the entry count.
 * O(n): for tests.
 */
export function checkBTreeInvariants(tree: LsaBTree): number {
  const maxKeys = tree.maxKeys;
  const minKeys = (maxKeys + 1) / 2 - 1;
  let leafDepth = -1;
  let count = 0;
  let prev = 0;
  const region = tree.region;
  const walk = (node: number, depth: number, isRoot: boolean): void => {
    const n = tree.keyCount(node);
    check(n <= maxKeys && (isRoot || n >= minKeys), `node at depth ${depth} holds ${n} keys (allowed ${minKeys}..${maxKeys})`);
    const leaf = tree.isLeaf(node);
    if (leaf) {
      if (leafDepth < 0) leafDepth = depth;
      check(leafDepth === depth, `leaves at depths ${leafDepth} and ${depth}`);
    }
    for (let i = 0; i <= n; i++) {
      if (!leaf) walk(tree.childAt(node, i), depth + 1, false);
      if (i === n) break;
      const h = tree.keyAt(node, i);
      check(region.isLive(h), `key ${h} is not a live handle`);
      if (count > 0) {
        const view = region.read(prev);
        check(region.compareProbe(tree.comparator, view, 0, view.length, h) < 0, `keys ${prev} and ${h} out of order`);
      }
      prev = h;
      count++;
    }
  };
  walk(tree.root, 0, true);
  check(count === tree.size, `size ${tree.size} but ${count} keys`);
  return count;
}

function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new Error(`B-tree invariant violated: ${message}`);
}
