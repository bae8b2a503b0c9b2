/**
 * Counters of one shard's traffic with one peer shard (the entry of the shard itself counts
 * local invocations). Counters only grow; fields marked "gauge" are current values.
 */
export interface SmpPeerStats {
  /** The peer shard these counters are about. */
  shard: number;
  /** Messages (requests, one-way, answers) written to the ring to the peer. */
  messagesSent: number;
  /** Messages read from the peer's ring. */
  messagesReceived: number;
  /** Encoded message bytes written / read (record headers excluded). */
  bytesSent: number;
  bytesReceived: number;
  /** Publications (one tail store each) to the peer's ring; messagesSent / batchesSent is the batch size. */
  batchesSent: number;
  /** Records (batches) read from the peer's ring. */
  batchesReceived: number;
  /** Doorbell notifies sent to the peer (only when it slept). */
  notifies: number;
  /** Times the ring to the peer was full and messages had to wait for space. */
  fullRingWaits: number;
  /** Times a sender had to await admission because `maxPendingMessages` were already waiting. */
  blockedSends: number;
  /** Gauge: messages encoded and waiting to enter the ring (never above `maxPendingMessages`). */
  pendingMessages: number;
  /** High-water mark of `pendingMessages`. */
  pendingMessagesMax: number;
  /** Gauge: encoded bytes of the messages waiting to enter the ring (fragmented ones whole until sent). */
  pendingBytes: number;
  /** High-water mark of `pendingBytes`. */
  pendingBytesMax: number;
  /** Gauge: senders (and answers) waiting for admission. */
  blockedSenders: number;
  /** Gauge: requests to the peer awaiting an answer. */
  inFlightRequests: number;
  /** Requests to the peer that timed out. */
  timeouts: number;
  /** Answers from the peer to requests that were no longer waiting (timed out); dropped. */
  lateResponses: number;
  /** Requests from the peer whose handler failed (error answers sent, unknown verbs included). */
  handlerErrors: number;
  /**
   * Messages above the fragment threshold sent / received in fragments (counted once each,
   * when the last fragment is written / reassembled); their fragments also count in
   * messagesSent/Received and bytesSent/Received, which are ring traffic.
   */
  fragmentedMessagesSent: number;
  fragmentedMessagesReceived: number;
  /** Encoded bytes of those messages (the originals, fragment headers excluded). */
  fragmentedBytesSent: number;
  fragmentedBytesReceived: number;
  /** Fragment messages written to / read from the ring. */
  fragmentsSent: number;
  fragmentsReceived: number;
  /** Gauge: bytes held for a message from the peer still in reassembly. */
  reassemblyBytes: number;
  /** Fragmented messages from the peer dropped: too large, out of sequence, or cut by the peer's stop. */
  fragmentErrors: number;
}

/** Every peer's counters, indexed by shard id. A plain, detached copy. */
export interface SmpStats {
  shard: number;
  peers: SmpPeerStats[];
}

/** A zeroed counter set for `shard`. */
export function emptyPeerStats(shard: number): SmpPeerStats {
  return {
    shard,
    messagesSent: 0,
    messagesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    batchesSent: 0,
    batchesReceived: 0,
    notifies: 0,
    fullRingWaits: 0,
    blockedSends: 0,
    pendingMessages: 0,
    pendingMessagesMax: 0,
    blockedSenders: 0,
    inFlightRequests: 0,
    timeouts: 0,
    lateResponses: 0,
    handlerErrors: 0,
    pendingBytes: 0,
    pendingBytesMax: 0,
    fragmentedMessagesSent: 0,
    fragmentedMessagesReceived: 0,
    fragmentedBytesSent: 0,
    fragmentedBytesReceived: 0,
    fragmentsSent: 0,
    fragmentsReceived: 0,
    reassemblyBytes: 0,
    fragmentErrors: 0,
  };
}
