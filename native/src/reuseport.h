#pragma once
#include <string>

namespace charybdis {

// Result of createReusePortListener: fd >= 0 on success, otherwise err is an errno value
// and `what` names the failing call.
struct ListenResult {
  int fd;
  int err;
  const char* what;
};

// A non-blocking listening TCP socket with SO_REUSEADDR + SO_REUSEPORT, bound to a numeric
// IPv4 or IPv6 address. bpf_shard_count > 0 attaches a classic-BPF program to the reuseport
// group that picks socket index (client source port % bpf_shard_count); the index of a
// socket is the order in which the group's sockets started listening.
ListenResult create_reuseport_listener(const std::string& host, int port, int backlog,
                                       unsigned bpf_shard_count);

}  // namespace charybdis
