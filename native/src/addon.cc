// Entry point of the addon: argument checking and conversion only; the work lives in the
// other files of this folder. The addon is context-aware (Napi::Addon), so it loads in the
// main thread and in every worker thread; it keeps no per-process mutable state.
#include <napi.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "crc32c.h"
#include "io_ring.h"
#include "reuseport.h"

namespace {

// Throws an Error whose `code` is the errno name (EADDRINUSE, EACCES, ...).
Napi::Value ThrowErrno(Napi::Env env, int err, const std::string& what) {
  Napi::Error e = Napi::Error::New(env, what + ": " + std::strerror(err));
  const char* name = strerrorname_np(err);
  e.Set("code", Napi::String::New(env, name != nullptr ? name : "EUNKNOWN"));
  e.Set("errno", Napi::Number::New(env, -err));
  e.Set("syscall", Napi::String::New(env, what));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const char* msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowRange(Napi::Env env, const char* msg) {
  Napi::RangeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

// Largest positional offset accepted from JS: 2^53 - 1 (exact in a double) and a valid off_t.
constexpr int64_t kMaxOffset = 9007199254740991LL;
// io_uring: prepared requests that trigger an immediate submission (besides the one per
// event-loop turn). 8 measured best here: 32 in flight, 4 KiB O_DIRECT random reads.
constexpr int64_t kDefaultSubmitBatch = 8;
// Linux transfers at most 0x7ffff000 bytes per read/write call.
constexpr size_t kMaxTransfer = 0x7ffff000;

const char* ErrnoName(int err) {
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : "EUNKNOWN";
}

class NativeAddon : public Napi::Addon<NativeAddon> {
 public:
  NativeAddon(Napi::Env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceMethod("crc32c", &NativeAddon::Crc32c),
                             InstanceMethod("createReusePortListener", &NativeAddon::CreateListener),
                             InstanceMethod("closeFd", &NativeAddon::CloseFd),
                             InstanceMethod("alignmentOffset", &NativeAddon::AlignmentOffset),
                             InstanceMethod("ioUringSetup", &NativeAddon::IoUringSetup),
                             InstanceMethod("ioUringRead", &NativeAddon::IoUringRead),
                             InstanceMethod("ioUringWrite", &NativeAddon::IoUringWrite),
                             InstanceMethod("ioUringFsync", &NativeAddon::IoUringFsync),
                             InstanceMethod("ioUringFallocate", &NativeAddon::IoUringFallocate),
                             InstanceMethod("ioUringSubmit", &NativeAddon::IoUringSubmit),
                             InstanceMethod("ioUringStats", &NativeAddon::IoUringStats),
                         });
  }

 private:
  Napi::Value Crc32c(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber())
      return ThrowType(env, "crc32c(data: Uint8Array, seed: number)");
    auto arr = info[0].As<Napi::TypedArray>();
    if (arr.TypedArrayType() != napi_uint8_array) return ThrowType(env, "crc32c: data must be a Uint8Array");
    auto bytes = arr.As<Napi::Uint8Array>();
    uint32_t seed = info[1].As<Napi::Number>().Uint32Value();
    uint32_t crc = charybdis::crc32c(seed, bytes.Data(), bytes.ByteLength());
    return Napi::Number::New(env, crc);
  }

  Napi::Value CreateListener(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 4 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber() ||
        !info[3].IsNumber())
      return ThrowType(env, "createReusePortListener(host: string, port: number, backlog: number, bpfShardCount: number)");
    std::string host = info[0].As<Napi::String>().Utf8Value();
    int port = info[1].As<Napi::Number>().Int32Value();
    int backlog = info[2].As<Napi::Number>().Int32Value();
    int shards = info[3].As<Napi::Number>().Int32Value();
    if (port < 0 || port > 65535) return ThrowType(env, "createReusePortListener: port out of range");
    if (backlog < 1) return ThrowType(env, "createReusePortListener: backlog must be >= 1");
    if (shards < 0 || shards > 65535) return ThrowType(env, "createReusePortListener: bpfShardCount out of range");
    auto res = charybdis::create_reuseport_listener(host, port, backlog, static_cast<unsigned>(shards));
    if (res.fd < 0) return ThrowErrno(env, res.err, res.what);
    return Napi::Number::New(env, res.fd);
  }

  Napi::Value CloseFd(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsNumber()) return ThrowType(env, "closeFd(fd: number)");
    int fd = info[0].As<Napi::Number>().Int32Value();
    if (::close(fd) < 0) return ThrowErrno(env, errno, "close");
    return env.Undefined();
  }

  // Bytes to skip from the start of `buf` to reach an address that is a multiple of
  // `alignment` (a power of two); 0 when the buffer is already aligned.
  Napi::Value AlignmentOffset(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber())
      return ThrowType(env, "alignmentOffset(buf: Uint8Array, alignment: number)");
    auto arr = info[0].As<Napi::TypedArray>();
    int64_t alignment = info[1].As<Napi::Number>().Int64Value();
    if (alignment < 1 || (alignment & (alignment - 1)) != 0 || alignment > (1 << 30))
      return ThrowRange(env, "alignmentOffset: alignment must be a power of two <= 2^30");
    napi_typedarray_type type;
    size_t length;
    void* data;
    napi_value ab;
    size_t byte_offset;
    napi_get_typedarray_info(env, arr, &type, &length, &data, &ab, &byte_offset);
    auto addr = reinterpret_cast<uintptr_t>(data);
    auto mask = static_cast<uintptr_t>(alignment - 1);
    return Napi::Number::New(env, static_cast<double>((alignment - static_cast<int64_t>(addr & mask)) & mask));
  }

  // Creates this environment's ring (once; later calls report the existing ring). Never
  // throws for an unavailable io_uring: returns { ok: false, code, reason } so the caller
  // can fall back and log why.
  Napi::Value IoUringSetup(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsNumber() || (info.Length() >= 2 && !info[1].IsNumber() && !info[1].IsUndefined()))
      return ThrowType(env, "ioUringSetup(entries: number, submitBatch?: number)");
    int64_t entries = info[0].As<Napi::Number>().Int64Value();
    int64_t submit_batch = info.Length() >= 2 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int64Value() : kDefaultSubmitBatch;
    if (entries < 1 || entries > 32768) return ThrowRange(env, "ioUringSetup: entries must be in [1, 32768]");
    if (submit_batch < 0 || submit_batch > 32768) return ThrowRange(env, "ioUringSetup: submitBatch must be in [0, 32768]");
    Napi::Object result = Napi::Object::New(env);
    if (ring_ == nullptr) {
      charybdis::IoRingSetupError error;
      ring_ = charybdis::io_ring_create(env, static_cast<unsigned>(entries), static_cast<unsigned>(submit_batch), &ring_, &error);
      if (ring_ == nullptr) {
        result.Set("ok", false);
        result.Set("entries", 0);
        result.Set("submitBatch", 0);
        result.Set("code", ErrnoName(error.err));
        result.Set("reason", error.what + ": " + std::strerror(error.err));
        return result;
      }
    }
    charybdis::IoRingStats stats = charybdis::io_ring_stats(ring_);
    result.Set("ok", true);
    result.Set("entries", stats.entries);
    result.Set("submitBatch", stats.submit_batch);
    result.Set("code", env.Null());
    result.Set("reason", env.Null());
    return result;
  }

  Napi::Value RingMissing(Napi::Env env) {
    Napi::Error e = Napi::Error::New(env, "io_uring is not set up in this thread: call ioUringSetup() first");
    e.Set("code", Napi::String::New(env, "ERR_IO_URING_NOT_SET_UP"));
    e.ThrowAsJavaScriptException();
    return env.Undefined();
  }

  // read/write(fd, buf, position): hot path, raw Node-API calls only.
  Napi::Value ReadWrite(const Napi::CallbackInfo& info, charybdis::IoOpKind kind, const char* usage) {
    napi_env env = info.Env();
    if (ring_ == nullptr) return RingMissing(info.Env());
    if (info.Length() < 3) return ThrowType(info.Env(), usage);
    charybdis::IoOpArgs op{};
    op.kind = kind;
    napi_typedarray_type type;
    size_t length;
    size_t byte_offset;
    int64_t position;
    if (napi_get_value_int32(env, info[0], &op.fd) != napi_ok ||
        napi_get_typedarray_info(env, info[1], &type, &length, &op.data, &op.buffer, &byte_offset) != napi_ok ||
        type != napi_uint8_array || napi_get_value_int64(env, info[2], &position) != napi_ok)
      return ThrowType(info.Env(), usage);
    if (op.fd < 0) return ThrowRange(info.Env(), "io_uring: fd must be >= 0");
    if (position < 0 || position > kMaxOffset) return ThrowRange(info.Env(), "io_uring: position out of range");
    if (length > kMaxTransfer) return ThrowRange(info.Env(), "io_uring: buffer larger than 0x7ffff000 bytes");
    op.len = static_cast<uint32_t>(length);
    op.offset = static_cast<uint64_t>(position);
    napi_value promise = charybdis::io_ring_enqueue(ring_, env, op);
    if (promise == nullptr) return Napi::Value();  // exception pending
    return Napi::Value(env, promise);
  }

  Napi::Value IoUringRead(const Napi::CallbackInfo& info) {
    return ReadWrite(info, charybdis::IoOpKind::kRead, "ioUringRead(fd: number, buf: Uint8Array, position: number)");
  }

  Napi::Value IoUringWrite(const Napi::CallbackInfo& info) {
    return ReadWrite(info, charybdis::IoOpKind::kWrite, "ioUringWrite(fd: number, buf: Uint8Array, position: number)");
  }

  Napi::Value IoUringFsync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (ring_ == nullptr) return RingMissing(env);
    if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsBoolean())
      return ThrowType(env, "ioUringFsync(fd: number, dataOnly: boolean)");
    charybdis::IoOpArgs op{};
    op.kind = info[1].As<Napi::Boolean>().Value() ? charybdis::IoOpKind::kFdatasync : charybdis::IoOpKind::kFsync;
    op.fd = info[0].As<Napi::Number>().Int32Value();
    if (op.fd < 0) return ThrowRange(env, "ioUringFsync: fd must be >= 0");
    napi_value promise = charybdis::io_ring_enqueue(ring_, env, op);
    if (promise == nullptr) return Napi::Value();
    return Napi::Value(env, promise);
  }

  Napi::Value IoUringFallocate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (ring_ == nullptr) return RingMissing(env);
    if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsNumber())
      return ThrowType(env, "ioUringFallocate(fd: number, mode: number, offset: number, length: number)");
    charybdis::IoOpArgs op{};
    op.kind = charybdis::IoOpKind::kFallocate;
    op.fd = info[0].As<Napi::Number>().Int32Value();
    op.mode = info[1].As<Napi::Number>().Int32Value();
    int64_t offset = info[2].As<Napi::Number>().Int64Value();
    int64_t length = info[3].As<Napi::Number>().Int64Value();
    if (op.fd < 0) return ThrowRange(env, "ioUringFallocate: fd must be >= 0");
    if (offset < 0 || length <= 0 || offset > kMaxOffset || length > kMaxOffset - offset)
      return ThrowRange(env, "ioUringFallocate: offset/length out of range");
    op.offset = static_cast<uint64_t>(offset);
    op.length = static_cast<uint64_t>(length);
    napi_value promise = charybdis::io_ring_enqueue(ring_, env, op);
    if (promise == nullptr) return Napi::Value();
    return Napi::Value(env, promise);
  }

  Napi::Value IoUringSubmit(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (ring_ == nullptr) return RingMissing(env);
    int ret = charybdis::io_ring_submit(ring_);
    if (ret < 0 && ret != -EAGAIN && ret != -EBUSY && ret != -EINTR) return ThrowErrno(env, -ret, "io_uring_submit");
    return Napi::Number::New(env, ret < 0 ? 0 : ret);
  }

  Napi::Value IoUringStats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (ring_ == nullptr) return RingMissing(env);
    charybdis::IoRingStats s = charybdis::io_ring_stats(ring_);
    Napi::Object o = Napi::Object::New(env);
    o.Set("entries", s.entries);
    o.Set("submitBatch", s.submit_batch);
    o.Set("inRing", s.in_ring);
    o.Set("waiting", s.waiting);
    o.Set("enterCalls", s.enter_calls);
    o.Set("submitted", s.submitted);
    o.Set("completed", s.completed);
    o.Set("reapWakeups", s.reap_wakeups);
    return o;
  }

  // This environment's ring, created by ioUringSetup; it tears itself down at environment
  // cleanup and clears this pointer then.
  charybdis::IoRing* ring_ = nullptr;
};

}  // namespace

NODE_API_ADDON(NativeAddon)
