// The baseline for PC/SC round trips: a vpcd card that answers every APDU with 9000 and the
// ATR request with a fixed ATR, with blocking sockets and nothing else, so that timing it
// through pcscd measures the reader stack alone.
// Usage: minimal_vpcd_responder PORT
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

bool read_exact(int fd, std::uint8_t* buffer, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::recv(fd, buffer + done, size - done, 0);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool send_frame(int fd, const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> frame{static_cast<std::uint8_t>(payload.size() >> 8),
                                  static_cast<std::uint8_t>(payload.size())};
  frame.insert(frame.end(), payload.begin(), payload.end());
  return ::send(fd, frame.data(), frame.size(), 0) == static_cast<ssize_t>(frame.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  const std::vector<std::uint8_t> atr{0x3B, 0x02, 0x14, 0x50};
  const std::vector<std::uint8_t> ok{0x90, 0x00};
  for (int attempt = 0; attempt < 600; ++attempt) {  // reconnect for up to a minute
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1])));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd);
      ::usleep(100000);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (;;) {
      ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
      std::uint8_t header[2];
      if (!read_exact(fd, header, 2)) break;
      std::size_t length = (std::size_t{header[0]} << 8) | header[1];
      std::vector<std::uint8_t> body(length);
      if (length > 0 && !read_exact(fd, body.data(), length)) break;
      if (length == 1) {
        if (body[0] == 0x04 && !send_frame(fd, atr)) break;
        continue;
      }
      if (!send_frame(fd, ok)) break;
    }
    ::close(fd);
    attempt = 0;
  }
  return 0;
}
