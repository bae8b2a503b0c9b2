// Entry point of the addon: argument checking and conversion only; the work lives in the
// other files of this folder. The addon is context-aware (Napi::Addon), so it loads in the
// main thread and in every worker thread; it keeps no per-process mutable state.
#include <napi.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "crc32c.h"
#include "reuseport.h"

namespace {

Napi::Value ThrowErrno(Napi::Env env, int err, const std::string& what) {
  Napi::Error e = Napi::Error::New(env, what + ": " + std::strerror(err));
  const char* name = nullptr;
  switch (err) {
    case EADDRINUSE: name = "EADDRINUSE"; break;
    case EADDRNOTAVAIL: name = "EADDRNOTAVAIL"; break;
    case EACCES: name = "EACCES"; break;
    case EPERM: name = "EPERM"; break;
    case EINVAL: name = "EINVAL"; break;
    case EMFILE: name = "EMFILE"; break;
    case ENFILE: name = "ENFILE"; break;
    case ENOMEM: name = "ENOMEM"; break;
    case EAFNOSUPPORT: name = "EAFNOSUPPORT"; break;
    case ENOPROTOOPT: name = "ENOPROTOOPT"; break;
    default: name = "EUNKNOWN"; break;
  }
  e.Set("code", Napi::String::New(env, name));
  e.Set("errno", Napi::Number::New(env, -err));
  e.Set("syscall", Napi::String::New(env, what));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const char* msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

class NativeAddon : public Napi::Addon<NativeAddon> {
 public:
  NativeAddon(Napi::Env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceMethod("crc32c", &NativeAddon::Crc32c),
                             InstanceMethod("createReusePortListener", &NativeAddon::CreateListener),
                             InstanceMethod("closeFd", &NativeAddon::CloseFd),
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
};

}  // namespace

NODE_API_ADDON(NativeAddon)
