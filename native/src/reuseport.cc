#include "reuseport.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_ATTACH_REUSEPORT_CBPF
#define SO_ATTACH_REUSEPORT_CBPF 51
#endif

namespace charybdis {
namespace {

ListenResult failure(int fd, const char* what) {
  int err = errno;
  if (fd >= 0) ::close(fd);
  return ListenResult{-1, err, what};
}

// The program runs on the incoming SYN. Offsets are relative to the network header
// (SKF_NET_OFF), so they hold whether or not the kernel has already pulled the transport
// header. IPv4: X = IHL * 4, then the source port is the first half-word after the IP
// header. IPv6: the TCP header follows the fixed 40-byte header (extension headers are not
// followed; such packets get an out-of-range index and the kernel falls back to hashing).
int attach_source_port_program(int fd, unsigned n) {
  struct sock_filter code[] = {
      /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<__u32>(SKF_AD_OFF + SKF_AD_PROTOCOL)),
      /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 3),
      /* 2 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, static_cast<__u32>(SKF_NET_OFF + 40)),
      /* 3 */ BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, n),
      /* 4 */ BPF_STMT(BPF_RET | BPF_A, 0),
      /* 5 */ BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, static_cast<__u32>(SKF_NET_OFF)),
      /* 6 */ BPF_STMT(BPF_LD | BPF_H | BPF_IND, static_cast<__u32>(SKF_NET_OFF)),
      /* 7 */ BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, n),
      /* 8 */ BPF_STMT(BPF_RET | BPF_A, 0),
  };
  struct sock_fprog prog = {static_cast<unsigned short>(sizeof(code) / sizeof(code[0])), code};
  return ::setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog));
}

}  // namespace

ListenResult create_reuseport_listener(const std::string& host, int port, int backlog,
                                       unsigned bpf_shard_count) {
  sockaddr_storage addr{};
  socklen_t addr_len;
  int family;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    family = AF_INET;
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    addr_len = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    family = AF_INET6;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    addr_len = sizeof(sockaddr_in6);
  } else {
    errno = EINVAL;
    return failure(-1, "inet_pton");
  }

  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return failure(-1, "socket");
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
    return failure(fd, "setsockopt(SO_REUSEADDR)");
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
    return failure(fd, "setsockopt(SO_REUSEPORT)");
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), addr_len) < 0) return failure(fd, "bind");
  if (::listen(fd, backlog) < 0) return failure(fd, "listen");
  // Attached after listen(), when the socket has joined the port's reuseport group (before
  // it, the kernel would give the socket a group of its own and the next listen() fails
  // with EADDRINUSE). The kernel keeps one program per group: every socket attaching the
  // same program is idempotent, so shards need not know which of them came first.
  if (bpf_shard_count > 0 && attach_source_port_program(fd, bpf_shard_count) < 0)
    return failure(fd, "setsockopt(SO_ATTACH_REUSEPORT_CBPF)");
  return ListenResult{fd, 0, nullptr};
}

}  // namespace charybdis
