#pragma once
// HttpServer: an asynchronous HTTP/1.1 server on Boost.Beast, plain or TLS.
//
// What it guarantees, whatever the handler does:
//  - limits with clear answers: a body over max_body_bytes gets 413, headers
//    over max_header_bytes 431; each as a JSON body, then the connection is
//    closed (the stream cannot be resynchronised after an unread body).
//  - connections cannot be starved by idle ones: at max_connections (or a
//    client address's max_connections_per_client) a new connection closes the
//    oldest idle connection (no request in flight: never sent one, or waiting
//    between keep-alive requests) to take its place, of the same address when
//    the per-client cap is what was reached. Only when every connection is
//    busy is the new one refused with 503 (plain HTTP) or closed (TLS). So
//    /healthz and /readyz stay reachable under a flood of idle sockets.
//  - slow clients are cut off: headers must arrive within idle_timeout of the
//    previous response (or of the connection), a body within read_timeout.
//  - keep-alive and chunked request bodies (Beast's parser); "Expect:
//    100-continue" is answered, so curl does not stall a second per POST.
//  - graceful stop: stop_accepting() closes the listener and every idle
//    connection; a request already being read or handled is answered, then
//    its connection closes. wait_idle() returns when none is left.
//
// The handler runs on an I/O thread and must not block for long: it answers
// from memory or hands work to a queue, and when the answer depends on that
// work (acknowledgement after commit) it returns a PendingReply instead. A reply may instead be an
// event stream (Server-Sent Events): the session then writes the handler's `next()` every
// `interval` until the client leaves or the server stops.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "absl/status/statusor.h"

namespace logstreamer::server {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

struct HttpLimits {
  size_t max_body_bytes = 8u << 20;
  size_t max_header_bytes = 16u << 10;
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};
  size_t max_connections = 1024;
  size_t max_connections_per_client = 256;  // 0: no per-address cap
};

struct TlsFiles {
  std::string cert_chain;  // PEM
  std::string private_key;  // PEM
};

struct EventStream {
  std::chrono::milliseconds interval{1000};
  std::function<std::string()> next;  // one or more "data: ...\n\n" events
};

// An answer that is not ready when the handler returns: the request waits
// for its lines to be committed (--ack commit). The session keeps the
// request in flight without blocking an I/O thread, and sends what
// complete() is given (from any thread), or the Reply's `response` if
// `pending_timeout` passes first. The first of the two wins. Thread-safe.
class PendingReply {
 public:
  // False when the reply was already completed (or timed out).
  bool complete(Response response);
  // By the session: how to send the answer (posted to its strand).
  void attach(std::function<void(Response)> deliver);

 private:
  std::mutex mutex_;
  bool done_ = false;
  std::function<void(Response)> deliver_;
  std::optional<Response> early_;  // completed before attach()
};

struct Reply {
  Response response;
  std::optional<EventStream> stream;      // set: an SSE stream instead of `response`
  std::shared_ptr<PendingReply> pending;  // set: wait for it; `response` is the answer on timeout
  std::chrono::milliseconds pending_timeout{0};
};

struct ClientInfo {
  std::string address;  // peer IP
};

class Handler {
 public:
  virtual ~Handler() = default;
  virtual Reply handle(Request& request, const ClientInfo& client) = 0;
};

// Counters the server keeps itself, for /metrics.
struct ServerCounters {
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_refused{0};  // over a cap with nothing idle to close
  std::atomic<uint64_t> connections_evicted{0};  // idle ones closed to admit a new one
  std::atomic<uint64_t> timeouts{0};             // slow clients cut off
  std::atomic<uint64_t> too_large{0};            // 413
  std::atomic<uint64_t> headers_too_large{0};    // 431
  std::atomic<uint64_t> bad_requests{0};         // unparseable HTTP
  std::atomic<size_t> open_connections{0};
  std::atomic<size_t> in_flight{0};  // requests being read (body) or handled
};

// A JSON error reply: {"error": message}.
Response json_error(beast_http::status status, std::string_view message, unsigned version = 11);

class HttpServer {
 public:
  HttpServer(Handler& handler, HttpLimits limits, std::optional<TlsFiles> tls = std::nullopt);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; port 0 picks a free port. Returns the bound address.
  absl::StatusOr<boost::asio::ip::tcp::endpoint> listen(const std::string& host, uint16_t port);
  void start(size_t io_threads);
  // Graceful stop, first half: no new connections, idle ones closed.
  void stop_accepting();
  // Until every connection has closed or `deadline` passes; true if all closed.
  bool wait_idle(std::chrono::steady_clock::time_point deadline);
  // Stops the I/O threads (closing what is left) and joins them.
  void stop();

  const ServerCounters& counters() const { return counters_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  struct Impl;  // sessions reach the shared state through it

 private:
  void do_accept();

  Handler& handler_;
  HttpLimits limits_;
  ServerCounters counters_;
  // Destroyed explicitly, in this order, by ~HttpServer: the acceptor, then
  // the io_context (whose pending handlers own sessions that still use
  // impl_ and counters_), then impl_.
  std::unique_ptr<boost::asio::io_context> ioc_;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace logstreamer::server
