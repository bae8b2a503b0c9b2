#pragma once
// The io_uring disk backend: one ring per Node environment (the main thread and every
// worker each get their own), completions reaped on that environment's own libuv loop.
// Implemented by io_ring.cc when the addon is built with liburing, by
// io_ring_unavailable.cc otherwise. Design notes: native/README.md, "io_uring disk I/O".
#include <node_api.h>

#include <cstdint>
#include <string>

namespace charybdis {

class IoRing;

// Outcome of IoRing creation. `err` is an errno value (ENOSYS when the addon was built
// without liburing) and `what` says which step failed.
struct IoRingSetupError {
  int err = 0;
  std::string what;
};

enum class IoOpKind : uint8_t { kRead, kWrite, kFsync, kFdatasync, kFallocate };

// One request as the addon decoded it from JS. For kRead/kWrite `data`/`len` point into
// the ArrayBuffer `buffer` (a JS value the ring keeps a strong reference to until the
// request completes, so GC cannot free the memory the kernel reads or writes).
struct IoOpArgs {
  IoOpKind kind;
  int fd;
  void* data;
  uint32_t len;
  uint64_t offset;
  uint64_t length;  // kFallocate
  int mode;         // kFallocate
  napi_value buffer;
};

struct IoRingStats {
  uint32_t entries;
  uint32_t submit_batch;  // SQEs that trigger an immediate submission (0: once per loop turn)
  uint32_t in_ring;      // prepared or submitted SQEs not yet completed
  uint32_t waiting;      // requests queued because the ring was full
  double enter_calls;    // io_uring_submit calls that submitted at least one SQE
  double submitted;      // SQEs submitted
  double completed;      // requests settled
  double reap_wakeups;   // eventfd wake-ups of the uv_poll handle
};

// Creates the ring of the calling environment. Prepared requests are submitted once per
// event-loop turn, and as soon as `submit_batch` of them are ready (0: only once per
// turn). On failure returns nullptr and fills `error`. `owner_slot` is cleared (set to
// nullptr) when the ring tears itself down at environment cleanup, after which the ring
// object is gone.
IoRing* io_ring_create(napi_env env, unsigned entries, unsigned submit_batch, IoRing** owner_slot,
                       IoRingSetupError* error);

// Queues one request and returns its promise (nullptr with a JS exception pending on
// failure). The request is submitted with the next batch (io_ring_submit, or
// automatically once per event-loop turn).
napi_value io_ring_enqueue(IoRing* ring, napi_env env, const IoOpArgs& args);

// Submits every prepared request now with one io_uring_enter; returns how many SQEs went
// to the kernel (or a negative errno).
int io_ring_submit(IoRing* ring);

IoRingStats io_ring_stats(const IoRing* ring);

}  // namespace charybdis
