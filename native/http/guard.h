// guard — what cpp-httplib 0.11 (Debian 12's) does not bound, bounded here.
//
// GuardedServer is an httplib::Server that owns each connection's socket I/O
// (it overrides the per-connection loop and reads through its own Stream), so
// that before any handler runs, and while any body is read:
//   - the request line and headers have a byte cap, a line-count cap and a
//     deadline for the whole of them (not per byte: a client sending one byte
//     every few seconds is cut off at the deadline, answered 408);
//   - a body must arrive by a deadline that grows with its size at a minimum
//     rate, and may not exceed its route's limit, chunked or not (413 as soon
//     as the count crosses it, without reading the rest);
//   - over-limit Content-Length, any request Content-Encoding (httplib would
//     inflate gzip without a cap), NUL bytes in the path and more than one
//     byte range are refused from the headers alone; Range is ignored on
//     dynamic routes (httplib builds multi-range answers in memory);
//   - each client address may hold a bounded number of connections, and when
//     every worker is busy and the queue is full a connection is answered 503
//     at once instead of waiting without bound.
// A refused request's connection is closed after the answer (its body was not
// read). Limits are plain numbers in GuardLimits; ServerConfig fills them.
//
// Thread safety: one GuardedServer per process; the policy callback is called
// concurrently from worker threads and must be thread-safe.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace glint::native {

struct GuardLimits {
  size_t header_bytes = 32 * 1024;  // request line + headers
  size_t header_lines = 100;
  int header_timeout_ms = 10'000;   // for the request line and all headers
  int body_timeout_ms = 20'000;     // for a body, plus its size at body_min_rate
  size_t body_min_rate = 32 * 1024;  // bytes per second a body must average
  int keep_alive_timeout_ms = 5'000;
  size_t keep_alive_max = 1000;     // requests per connection
  int connections_per_address = 64;
  size_t threads = 64;
  size_t queue = 256;               // accepted connections waiting for a worker
};

// What the guard needs to know about a request once its headers are in.
struct RequestPolicy {
  size_t max_body = 0;   // bytes; a larger body gets a 413
  bool dynamic = true;   // a route (not a static file): Range is ignored
};

// UTF-8 as RFC 3629 defines it (no overlongs, no surrogates, ≤ U+10FFFF).
bool is_valid_utf8(std::string_view s);

class GuardedServer final : public httplib::Server {
 public:
  using Policy = std::function<RequestPolicy(const httplib::Request&)>;
  // Called for every request the guard answers itself (never reaching the
  // router), so the access log and the metrics still see it.
  using Refusal = std::function<void(const std::string& remote, const std::string& method, const std::string& path, int status)>;

  GuardedServer(GuardLimits limits, Policy policy, Refusal on_refusal);
  ~GuardedServer() override;

  // Runs after the guard's own checks, before routing (httplib's
  // set_pre_routing_handler is the guard's: do not call it).
  void set_pre_routing(HandlerWithResponse next) { next_pre_routing_ = std::move(next); }
  // The checks made from the headers alone; true when `res` holds a refusal.
  bool refuse_from_headers(const httplib::Request& req, httplib::Response& res);

  // Connections being served right now.
  int64_t open_connections() const { return open_.load(); }

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool admit(const std::string& address);
  void leave(const std::string& address);

  GuardLimits limits_;
  Policy policy_;
  Refusal on_refusal_;
  HandlerWithResponse next_pre_routing_;
  std::atomic<int64_t> open_{0};
  std::atomic<size_t> queued_{0};
  std::mutex mu_;
  std::map<std::string, int> per_address_;

  class Pool;
  friend class Pool;
};

}  // namespace glint::native
