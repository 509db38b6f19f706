#include "http/guard.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace glint::native {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The request being read on this connection. Handlers run on the thread that
// reads, so the pre-routing check finds it through t_exchange.
struct Exchange {
  enum class Phase { kIdle, kHeaders, kBody };
  Phase phase = Phase::kIdle;
  Clock::time_point started, body_started;
  size_t header_bytes = 0, header_lines = 0, body_bytes = 0;
  RequestPolicy policy;
  std::string method = "-", path = "-";
  bool close_after = false;  // answered from the headers: the body is unread
  bool multi_range = false;  // asked for several byte ranges (refused: 416)
};

thread_local Exchange* t_exchange = nullptr;
thread_local bool t_shed = false;  // set while the pool refuses a connection

const char* reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

std::string error_json(const std::string& code, const std::string& detail) {
  return nlohmann::json{{"detail", detail}, {"code", code}}.dump();
}

// Writes all of `data` or gives up after `timeout_ms` of no progress.
bool write_all(int sock, std::string_view data, int timeout_ms) {
  size_t off = 0;
  while (off < data.size()) {
    pollfd p{sock, POLLOUT, 0};
    const int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    const ssize_t n = send(sock, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

void write_refusal(int sock, int status, const std::string& code, const std::string& detail, int timeout_ms) {
  const std::string body = error_json(code, detail);
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
                    "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\n";
  if (status == 503) out += "Retry-After: 1\r\n";
  out += "\r\n" + body;
  write_all(sock, out, timeout_ms);
}

std::string numeric_host(const sockaddr_storage& addr, socklen_t len, int* port) {
  char host[NI_MAXHOST] = {0};
  char serv[NI_MAXSERV] = {0};
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "";
  }
  if (port != nullptr) *port = std::atoi(serv);
  std::string h = host;
  if (h.rfind("::ffff:", 0) == 0 && h.find('.') != std::string::npos) h = h.substr(7);  // IPv4-mapped
  return h;
}

std::string peer_of(int sock, int* port = nullptr) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  return numeric_host(addr, len, port);
}

// Closes a connection whose request may still be arriving: stop sending,
// read and drop what is in flight for a moment (so the client sees the answer
// rather than a reset), then close.
void linger_close(int sock, int budget_ms = 1000) {
  shutdown(sock, SHUT_WR);
  char buf[16384];
  const auto until = Clock::now() + milliseconds(budget_ms);
  size_t drained = 0;
  while (drained < (1u << 20)) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
    pollfd p{sock, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::max<int64_t>(left, 0))) <= 0) break;
    const ssize_t n = recv(sock, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) break;
    drained += static_cast<size_t>(n);
  }
  close(sock);
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    i += n + 1;
  }
  return true;
}

namespace {

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// The connection's stream: buffered reads with the guard's caps and deadlines.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(int sock, const GuardLimits& limits, Exchange& x, const GuardedServer::Refusal& on_refusal,
                int read_timeout_ms, int write_timeout_ms)
      : sock_(sock), limits_(limits), x_(x), on_refusal_(on_refusal), read_timeout_ms_(read_timeout_ms),
        write_timeout_ms_(write_timeout_ms) {
    remote_ = peer_of(sock, &remote_port_);
  }

  bool dead() const { return dead_; }
  const std::string& remote() const { return remote_; }

  // Waits for the first byte of the next request: true when one is there.
  bool wait_for_request(int timeout_ms, const std::atomic<socket_t>& listening) {
    if (pos_ < len_) return true;
    const auto until = Clock::now() + milliseconds(timeout_ms);
    while (listening != INVALID_SOCKET) {
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{sock_, POLLIN, 0};
      const int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 200)));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return false;
      if (r > 0) return true;
    }
    return false;
  }

  bool is_readable() const override {
    if (pos_ < len_) return true;
    pollfd p{sock_, POLLIN, 0};
    return poll(&p, 1, read_timeout_ms_) > 0;
  }
  bool is_writable() const override {
    pollfd p{sock_, POLLOUT, 0};
    return poll(&p, 1, write_timeout_ms_) > 0;
  }

  ssize_t read(char* ptr, size_t size) override {
    if (dead_ || size == 0) return dead_ ? -1 : 0;
    if (pos_ == len_ && !fill()) return -1;
    const size_t n = std::min(size, len_ - pos_);
    if (x_.phase == Exchange::Phase::kHeaders) {
      x_.header_bytes += n;
      x_.header_lines += static_cast<size_t>(std::count(buf_ + pos_, buf_ + pos_ + n, '\n'));
      if (x_.header_bytes > limits_.header_bytes && x_.header_lines == 0) {
        refuse(414, "uri_too_long", "the request line is longer than " + std::to_string(limits_.header_bytes) + " bytes");
        return -1;
      }
      if (x_.header_bytes > limits_.header_bytes || x_.header_lines > limits_.header_lines + 1) {
        refuse(431, "headers_too_large",
               "the request line and headers are limited to " + std::to_string(limits_.header_bytes) + " bytes and " +
                   std::to_string(limits_.header_lines) + " header lines");
        return -1;
      }
    } else if (x_.phase == Exchange::Phase::kBody) {
      x_.body_bytes += n;
      if (x_.body_bytes > x_.policy.max_body) {
        refuse(413, "payload_too_large",
               "the request body is larger than this route accepts (" + std::to_string(x_.policy.max_body) + " bytes)");
        return -1;
      }
    }
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (dead_) return -1;
    for (;;) {
      pollfd p{sock_, POLLOUT, 0};
      const int r = poll(&p, 1, write_timeout_ms_);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return -1;
      const ssize_t n = send(sock_, ptr, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    port = 0;
    ip.clear();
    if (getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = numeric_host(addr, len, &port);
  }
  socket_t socket() const override { return sock_; }

 private:
  Clock::time_point deadline() const {
    switch (x_.phase) {
      case Exchange::Phase::kHeaders: return x_.started + milliseconds(limits_.header_timeout_ms);
      case Exchange::Phase::kBody: {
        const auto earned = milliseconds(static_cast<int64_t>(x_.body_bytes * 1000 / std::max<size_t>(1, limits_.body_min_rate)));
        return x_.body_started + milliseconds(limits_.body_timeout_ms) + earned;
      }
      case Exchange::Phase::kIdle: break;
    }
    return Clock::time_point::max();
  }

  bool fill() {
    for (;;) {
      const auto now = Clock::now();
      const auto dl = deadline();
      if (now >= dl) {
        refuse(408, "request_timeout",
               x_.phase == Exchange::Phase::kHeaders ? "the request headers did not arrive in time"
                                                     : "the request body arrived too slowly");
        return false;
      }
      int wait_ms = read_timeout_ms_;
      if (dl != Clock::time_point::max()) {
        wait_ms = static_cast<int>(std::min<int64_t>(wait_ms, std::chrono::duration_cast<milliseconds>(dl - now).count() + 1));
      }
      pollfd p{sock_, POLLIN, 0};
      const int r = poll(&p, 1, wait_ms);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return false;
      if (r == 0) {
        if (Clock::now() >= dl) continue;  // answers 408 above
        return false;                     // the per-read timeout
      }
      const ssize_t n = recv(sock_, buf_, sizeof buf_, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      pos_ = 0;
      len_ = static_cast<size_t>(n);
      return true;
    }
  }

  void refuse(int status, const std::string& code, const std::string& detail) {
    write_refusal(sock_, status, code, detail, write_timeout_ms_);
    dead_ = true;
    if (on_refusal_) on_refusal_(remote_, x_.method, x_.path, status);
  }

  int sock_;
  const GuardLimits& limits_;
  Exchange& x_;
  const GuardedServer::Refusal& on_refusal_;
  int read_timeout_ms_, write_timeout_ms_;
  std::string remote_;
  int remote_port_ = 0;
  bool dead_ = false;
  char buf_[8192];
  size_t pos_ = 0, len_ = 0;
};

}  // namespace

// Workers for connections; a bounded queue in front of them. When the queue
// is full the connection is answered 503 on the accepting thread at once.
class GuardedServer::Pool final : public httplib::TaskQueue {
 public:
  Pool(GuardedServer& server, size_t threads, size_t queue) : server_(server), max_queue_(queue) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }
  void enqueue(std::function<void()> fn) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (jobs_.size() < max_queue_) {
        jobs_.push_back(std::move(fn));
        server_.queued_ = jobs_.size();
        cv_.notify_one();
        return;
      }
    }
    t_shed = true;  // process_and_close_socket answers 503 and closes
    fn();
    t_shed = false;
  }
  void shutdown() override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (stop_ && jobs_.empty()) return;
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        server_.queued_ = jobs_.size();
      }
      fn();
    }
  }
  GuardedServer& server_;
  size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  bool stop_ = false;
};

GuardedServer::GuardedServer(GuardLimits limits, Policy policy, Refusal on_refusal)
    : limits_(limits), policy_(std::move(policy)), on_refusal_(std::move(on_refusal)) {
  new_task_queue = [this] { return new Pool(*this, limits_.threads, limits_.queue); };
  set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (refuse_from_headers(req, res)) return HandlerResponse::Handled;
    return next_pre_routing_ ? next_pre_routing_(req, res) : HandlerResponse::Unhandled;
  });
  // A client that waits for "100 Continue" is refused before it sends the body.
  set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
    return refuse_from_headers(req, res) ? res.status : 100;
  });
}

GuardedServer::~GuardedServer() = default;

bool GuardedServer::admit(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  int& n = per_address_[address];
  if (n >= limits_.connections_per_address) {
    if (n == 0) per_address_.erase(address);
    return false;
  }
  ++n;
  return true;
}

void GuardedServer::leave(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
}

bool GuardedServer::refuse_from_headers(const httplib::Request& req, httplib::Response& res) {
  Exchange* x = t_exchange;
  auto refuse = [&](int status, const std::string& code, const std::string& detail) {
    res.status = status;
    res.set_content(error_json(code, detail), "application/json");
    res.set_header("Connection", "close");
    if (x != nullptr) x->close_after = true;
    return true;
  };
  const std::string encoding = req.get_header_value("Content-Encoding");
  if (!encoding.empty() && encoding != "identity") {
    return refuse(415, "unsupported_content_encoding", "request bodies must not be compressed (Content-Encoding: " +
                                                           encoding.substr(0, 40) + ")");
  }
  if (req.has_header("Transfer-Encoding") && (req.has_header("Content-Length") || req.get_header_value("Transfer-Encoding") != "chunked")) {
    return refuse(400, "bad_transfer_encoding", "send either Content-Length or Transfer-Encoding: chunked, not both");
  }
  if (has_nul(req.path) || !is_valid_utf8(req.path)) {
    return refuse(400, "invalid_path", "the path holds a NUL byte or is not UTF-8");
  }
  for (const auto& [k, v] : req.params) {
    if (has_nul(k) || has_nul(v) || !is_valid_utf8(k) || !is_valid_utf8(v)) {
      return refuse(400, "invalid_parameter", "query parameters must be UTF-8 text without NUL bytes");
    }
  }
  const size_t max_body = x != nullptr ? x->policy.max_body : 0;
  if (req.has_header("Content-Length")) {
    const std::string v = req.get_header_value("Content-Length");
    char* end = nullptr;
    errno = 0;
    const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno == ERANGE || v[0] == '-') {
      return refuse(400, "bad_content_length", "Content-Length is not a number");
    }
    if (n > max_body) {
      return refuse(413, "payload_too_large",
                    "the request body (" + std::to_string(n) + " bytes) is larger than this route accepts (" +
                        std::to_string(max_body) + " bytes)");
    }
  }
  if (x != nullptr && x->multi_range) {
    return refuse(416, "range_not_satisfiable", "only one byte range is served");
  }
  return false;
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  if (t_shed) {
    write_refusal(sock, 503, "overloaded", "every worker is busy; try again in a moment", 100);
    if (on_refusal_) on_refusal_(peer_of(sock), "-", "-", 503);
    linger_close(sock, 0);  // what already arrived, no waiting: this is the accepting thread
    return false;
  }
  const std::string address = peer_of(sock);
  if (!admit(address)) {
    write_refusal(sock, 503, "too_many_connections", "too many open connections from your address", 1000);
    if (on_refusal_) on_refusal_(address, "-", "-", 503);
    linger_close(sock, 0);
    return false;
  }
  ++open_;
  Exchange x;
  GuardedStream strm(sock, limits_, x, on_refusal_, static_cast<int>(read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000),
                     static_cast<int>(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000));
  t_exchange = &x;
  bool ret = false;
  bool linger = false;
  for (size_t left = limits_.keep_alive_max; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
    if (!strm.wait_for_request(limits_.keep_alive_timeout_ms, svr_sock_)) break;
    x = Exchange{};
    x.phase = Exchange::Phase::kHeaders;
    x.started = Clock::now();
    bool closed = false;
    ret = process_request(strm, left == 1, closed, [this, &x](httplib::Request& req) {
      x.phase = Exchange::Phase::kBody;
      x.body_started = Clock::now();
      x.method = req.method;
      x.path = req.path;
      x.policy = policy_ ? policy_(req) : RequestPolicy{};
      // httplib would build a multi-range answer in memory (and slice even
      // an error body): one range on a static file is all that is served.
      x.multi_range = !x.policy.dynamic && req.ranges.size() > 1;
      if (x.policy.dynamic || x.multi_range) req.ranges.clear();
    });
    if (x.close_after || strm.dead()) linger = true;
    if (!ret || closed || linger) break;
  }
  x.phase = Exchange::Phase::kIdle;
  t_exchange = nullptr;
  --open_;
  leave(address);
  if (linger) {
    linger_close(sock);
  } else {
    shutdown(sock, SHUT_RDWR);
    close(sock);
  }
  return ret;
}

}  // namespace glint::native
