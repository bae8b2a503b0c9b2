// Built instead of io_ring.cc when liburing (or libuv's uv.h) was missing at build time:
// the addon loads, reports io_uring as unavailable, and core uses its thread-pool backend.
#include <cerrno>

#include "io_ring.h"

namespace charybdis {

IoRing* io_ring_create(napi_env, unsigned, unsigned, IoRing**, IoRingSetupError* error) {
  error->err = ENOSYS;
  error->what = "the addon was built without liburing (install liburing-dev and rebuild)";
  return nullptr;
}

napi_value io_ring_enqueue(IoRing*, napi_env, const IoOpArgs&) { return nullptr; }

int io_ring_submit(IoRing*) { return -ENOSYS; }

IoRingStats io_ring_stats(const IoRing*) { return IoRingStats{}; }

}  // namespace charybdis
