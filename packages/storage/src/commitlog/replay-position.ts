/**
 * Where an entry starts: its segment's id and the byte offset of its frame in the segment
 * file. Plain data. Positions order entries: by segmentId, then offset.
 */
export interface ReplayPosition {
  segmentId: number;
  offset: number;
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareReplayPositions(a: ReplayPosition, b: ReplayPosition): number {
  return a.segmentId !== b.segmentId ? a.segmentId - b.segmentId : a.offset - b.offset;
}
