#include "server/http_server.h"

#include "server/connection_registry.h"

#include <list>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include "text/json_escape.h"

namespace logstreamer::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

Response json_error(http::status status, std::string_view message, unsigned version) {
  Response res{status, version};
  res.set(http::field::content_type, "application/json");
  fmt::memory_buffer body;
  fmt::format_to(std::back_inserter(body), "{{\"error\":");
  text::append_json_string(body, message);
  fmt::format_to(std::back_inserter(body), "}}\n");
  res.body() = fmt::to_string(body);
  res.prepare_payload();
  return res;
}

bool PendingReply::complete(Response response) {
  std::function<void(Response)> deliver;
  {
    std::lock_guard lock(mutex_);
    if (done_) return false;
    done_ = true;
    if (!deliver_) {
      early_ = std::move(response);
      return true;
    }
    deliver = std::move(deliver_);
  }
  deliver(std::move(response));
  return true;
}

void PendingReply::attach(std::function<void(Response)> deliver) {
  std::optional<Response> early;
  {
    std::lock_guard lock(mutex_);
    if (!early_) {
      deliver_ = std::move(deliver);
      return;
    }
    early = std::move(early_);
    early_.reset();
  }
  deliver(std::move(*early));
}

// What the sessions share with the server: the listener, TLS, and the
// registry of open connections (server/connection_registry.h).
struct HttpServer::Impl {
  explicit Impl(net::io_context& ioc) : acceptor(std::in_place, net::make_strand(ioc)) {}
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::ssl::context> ssl;
  ConnectionRegistry connections;
};

namespace {

// The request/response loop, shared by the plain and TLS sessions (CRTP, as
// in Beast's "flex" server example): Derived provides stream() and close().
template <class Derived>
class Session : public SessionBase {
 public:
  Session(HttpServer& server, HttpServer::Impl& impl, Handler& handler, const HttpLimits& limits,
          ServerCounters& counters, ClientInfo client)
      : server_(server), impl_(impl), handler_(handler), limits_(limits), counters_(counters),
        client_(std::move(client)) {
    counters_.open_connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~Session() override {
    counters_.open_connections.fetch_sub(1, std::memory_order_relaxed);
    if (registered_) impl_.connections.remove(registration_);
  }

  void shutdown_if_idle() override {
    closing_ = true;
    if (!busy_) derived().close();
  }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  void register_self() {
    registration_ = impl_.connections.add(derived().weak_from_this(), this, client_.address);
    registered_ = true;
    // Beast reads at most the buffer's free capacity (512 bytes at first, and
    // it stays small): a 20 kB body took ~40 recvmsg calls, a quarter of the
    // server's CPU. 64 kB up front: one or two reads per request.
    buffer_.reserve(kReadBufferBytes);
  }
  static constexpr size_t kReadBufferBytes = 64 * 1024;

  void read_header() {
    if (closing_ || server_.stopping()) return derived().close();
    parser_.emplace();
    parser_->body_limit(limits_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(limits_.max_header_bytes));
    busy_ = false;
    idle_.store(true, std::memory_order_release);
    beast::get_lowest_layer(derived().stream()).expires_after(limits_.idle_timeout);
    http::async_read_header(derived().stream(), buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, derived().shared_from_this()));
  }

  void on_header(beast::error_code ec, size_t) {
    if (ec) return on_read_error(ec);
    busy_ = true;
    idle_.store(false, std::memory_order_release);
    counters_.in_flight.fetch_add(1, std::memory_order_relaxed);
    in_flight_ = true;
    // The body gets read_timeout, on a timer of our own: the stream's own
    // expiry would close the socket, and a slow sender deserves its 408.
    beast::get_lowest_layer(derived().stream()).expires_never();
    body_timed_out_ = false;
    if (!body_timer_) body_timer_.emplace(beast::get_lowest_layer(derived().stream()).get_executor());
    body_timer_->expires_after(limits_.read_timeout);
    body_timer_->async_wait([weak = derived().weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      self->body_timed_out_ = true;
      beast::error_code cancel_ec;
      beast::get_lowest_layer(self->derived().stream()).socket().cancel(cancel_ec);
    });
    const auto& req = parser_->get();
    if (beast::iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(derived().stream(), *cont,
                        [self = derived().shared_from_this(), cont](beast::error_code wec, size_t) {
                          if (wec || self->body_timed_out_) return self->finish_request_and_close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(derived().stream(), buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_body, derived().shared_from_this()));
  }

  void on_body(beast::error_code ec, size_t) {
    if (body_timer_) body_timer_->cancel();
    if (body_timed_out_) ec = beast::error::timeout;
    if (ec) return on_read_error(ec);
    Request req = parser_->release();
    Reply reply = handler_.handle(req, client_);
    if (reply.stream) return start_stream(std::move(*reply.stream), req.version());
    keep_alive_ = req.keep_alive() && !closing_ && !server_.stopping();
    if (reply.pending) return await_pending(std::move(reply));
    reply.response.keep_alive(keep_alive_);
    send(std::move(reply.response));
  }

  // The answer comes later (PendingReply): nothing is read meanwhile, and the
  // body timer, idle now, bounds the wait.
  void await_pending(Reply reply) {
    auto pending = reply.pending;
    auto on_timeout = std::make_shared<Response>(std::move(reply.response));
    body_timer_->expires_after(reply.pending_timeout);
    body_timer_->async_wait([pending, on_timeout](beast::error_code ec) {
      if (!ec) pending->complete(std::move(*on_timeout));
    });
    pending->attach([self = derived().shared_from_this()](Response res) {
      auto shared = std::make_shared<Response>(std::move(res));
      net::post(self->derived().stream().get_executor(), [self, shared] {
        self->body_timer_->cancel();
        shared->keep_alive(self->keep_alive_ && !self->closing_ && !self->server_.stopping());
        self->keep_alive_ = shared->keep_alive();
        self->send(std::move(*shared));
      });
    });
  }

  void on_read_error(beast::error_code ec) {
    const bool had_request = in_flight_;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      return finish_request_and_close();
    }
    if (ec == beast::error::timeout) {
      counters_.timeouts.fetch_add(1, std::memory_order_relaxed);
      // A slow request gets a 408; an idle keep-alive connection just closes.
      if (!had_request) return finish_request_and_close();
      return send_and_close(json_error(http::status::request_timeout, "request not received in time"));
    }
    if (ec == http::error::body_limit) {
      counters_.too_large.fetch_add(1, std::memory_order_relaxed);
      return send_and_close(json_error(http::status::payload_too_large,
                                       fmt::format("body larger than {} bytes", limits_.max_body_bytes)));
    }
    if (ec == http::error::header_limit) {
      counters_.headers_too_large.fetch_add(1, std::memory_order_relaxed);
      return send_and_close(json_error(http::status::request_header_fields_too_large,
                                       fmt::format("headers larger than {} bytes", limits_.max_header_bytes)));
    }
    counters_.bad_requests.fetch_add(1, std::memory_order_relaxed);
    return send_and_close(json_error(http::status::bad_request, fmt::format("malformed HTTP: {}", ec.message())));
  }

  void send_and_close(Response res) {
    keep_alive_ = false;
    res.keep_alive(false);
    send(std::move(res));
  }

  void send(Response res) {
    auto msg = std::make_shared<Response>(std::move(res));
    // A response must leave within the read timeout too: a client that does
    // not read is as slow as one that does not write.
    beast::get_lowest_layer(derived().stream()).expires_after(limits_.read_timeout);
    http::async_write(derived().stream(), *msg,
                      [self = derived().shared_from_this(), msg](beast::error_code ec, size_t) {
                        self->end_request();
                        if (ec || !self->keep_alive_) return self->derived().close();
                        self->read_header();
                      });
  }

  void end_request() {
    if (in_flight_) {
      in_flight_ = false;
      counters_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  void finish_request_and_close() {
    end_request();
    derived().close();
  }

  // --- Server-Sent Events ---------------------------------------------------
  void start_stream(EventStream stream, unsigned version) {
    end_request();  // a stream is not a request to wait for at shutdown
    events_ = std::move(stream);
    timer_.emplace(beast::get_lowest_layer(derived().stream()).get_executor());
    auto head = std::make_shared<std::string>(fmt::format(
        "HTTP/1.{} 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "Connection: close\r\nX-Accel-Buffering: no\r\n\r\nretry: 2000\n\n",
        version == 10 ? 0 : 1));
    write_stream(head);
  }

  void write_stream(std::shared_ptr<std::string> chunk) {
    beast::get_lowest_layer(derived().stream()).expires_after(limits_.read_timeout);
    net::async_write(derived().stream(), net::buffer(*chunk),
                     [self = derived().shared_from_this(), chunk](beast::error_code ec, size_t) {
                       if (ec || self->closing_ || self->server_.stopping()) return self->derived().close();
                       self->stream_tick();
                     });
  }

  void stream_tick() {
    // An event right away, then one per interval.
    auto data = std::make_shared<std::string>(events_->next());
    beast::get_lowest_layer(derived().stream()).expires_after(limits_.read_timeout);
    net::async_write(derived().stream(), net::buffer(*data),
                     [self = derived().shared_from_this(), data](beast::error_code ec, size_t) {
                       if (ec || self->closing_ || self->server_.stopping()) return self->derived().close();
                       beast::get_lowest_layer(self->derived().stream()).expires_never();
                       self->timer_->expires_after(self->events_->interval);
                       self->timer_->async_wait([self](beast::error_code tec) {
                         if (tec || self->closing_ || self->server_.stopping()) return self->derived().close();
                         self->stream_tick();
                       });
                     });
  }

 public:
  void cancel_timer() {
    if (timer_) timer_->cancel();
  }

 protected:
  HttpServer& server_;
  HttpServer::Impl& impl_;
  Handler& handler_;
  const HttpLimits& limits_;
  ServerCounters& counters_;
  ClientInfo client_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<EventStream> events_;
  std::optional<net::steady_timer> timer_;       // event streams
  std::optional<net::steady_timer> body_timer_;  // the read timeout of a body
  ConnectionRegistry::Registration registration_;
  bool registered_ = false;
  bool busy_ = false;
  bool in_flight_ = false;
  bool body_timed_out_ = false;
  bool closing_ = false;
  bool keep_alive_ = true;
};

class PlainSession : public Session<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(tcp::socket&& socket, HttpServer& server, HttpServer::Impl& impl, Handler& handler,
               const HttpLimits& limits, ServerCounters& counters, ClientInfo client)
      : Session(server, impl, handler, limits, counters, std::move(client)), stream_(std::move(socket)) {}

  void run() {
    register_self();
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }
  void shutdown_if_idle() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->Session::shutdown_if_idle();
      self->cancel_timer();
    });
  }
  beast::tcp_stream& stream() { return stream_; }
  void close() {
    if (closed_) return;
    closed_ = true;
    cancel_timer();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  beast::tcp_stream stream_;
  bool closed_ = false;
};

class TlsSession : public Session<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(tcp::socket&& socket, net::ssl::context& ctx, HttpServer& server, HttpServer::Impl& impl,
             Handler& handler, const HttpLimits& limits, ServerCounters& counters, ClientInfo client)
      : Session(server, impl, handler, limits, counters, std::move(client)), stream_(std::move(socket), ctx) {}

  void run() {
    register_self();
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(self->limits_.read_timeout);
      self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) return self->close();
        self->read_header();
      });
    });
  }
  void shutdown_if_idle() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->Session::shutdown_if_idle();
      self->cancel_timer();
    });
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void close() {
    if (closed_) return;
    closed_ = true;
    cancel_timer();
    // No TLS close_notify round trip: it would wait on a client that may be
    // the slow one being cut off. Closing the TCP connection is enough here.
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(stream_).socket().close(ec);
  }

 private:
  beast::ssl_stream<beast::tcp_stream> stream_;
  bool closed_ = false;
};

}  // namespace

HttpServer::HttpServer(Handler& handler, HttpLimits limits, std::optional<TlsFiles> tls)
    : handler_(handler),
      limits_(limits),
      ioc_(std::make_unique<net::io_context>()),
      impl_(std::make_unique<Impl>(*ioc_)) {
  if (tls) {
    impl_->ssl.emplace(net::ssl::context::tls_server);
    impl_->ssl->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                            net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                            net::ssl::context::no_tlsv1_1);
    impl_->ssl->use_certificate_chain_file(tls->cert_chain);
    impl_->ssl->use_private_key_file(tls->private_key, net::ssl::context::pem);
  }
}

HttpServer::~HttpServer() {
  stop();
  impl_->acceptor.reset();
  ioc_.reset();  // destroys unfinished handlers, and with them the last sessions
  impl_.reset();
}

absl::StatusOr<tcp::endpoint> HttpServer::listen(const std::string& host, uint16_t port) {
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) return absl::InvalidArgumentError(fmt::format("--listen: '{}' is not an IP address", host));
  tcp::endpoint endpoint{address, port};
  auto& acc = *impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError(fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
  return acc.local_endpoint();
}

void HttpServer::start(size_t io_threads) {
  do_accept();
  for (size_t i = 0; i < std::max<size_t>(1, io_threads); ++i) {
    threads_.emplace_back([this] { ioc_->run(); });
  }
}

void HttpServer::do_accept() {
  impl_->acceptor->async_accept(net::make_strand(*ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !impl_->acceptor->is_open()) return;
      return do_accept();  // e.g. EMFILE: keep serving the connections we have
    }
    if (stopping()) return;
    beast::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    ClientInfo client{peer_ec ? std::string{} : peer.address().to_string()};
    if (!impl_->connections.admit(client.address, limits_, counters_)) {
      counters_.connections_refused.fetch_add(1, std::memory_order_relaxed);
      // Plain HTTP only: a TLS client gets the connection closed.
      if (!impl_->ssl) {
        Response res = json_error(http::status::service_unavailable, "too many connections");
        res.set(http::field::retry_after, "1");
        res.keep_alive(false);
        beast::error_code wec;
        http::write(socket, res, wec);
      }
      beast::error_code cec;
      socket.shutdown(tcp::socket::shutdown_both, cec);
      socket.close(cec);
      return do_accept();
    }
    counters_.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    if (impl_->ssl) {
      std::make_shared<TlsSession>(std::move(socket), *impl_->ssl, *this, *impl_, handler_, limits_, counters_,
                                   std::move(client))
          ->run();
    } else {
      std::make_shared<PlainSession>(std::move(socket), *this, *impl_, handler_, limits_, counters_,
                                     std::move(client))
          ->run();
    }
    do_accept();
  });
}

void HttpServer::stop_accepting() {
  if (stopping_.exchange(true)) return;
  net::post(impl_->acceptor->get_executor(), [this] {
    beast::error_code ec;
    impl_->acceptor->close(ec);
  });
  for (auto& s : impl_->connections.live()) s->shutdown_if_idle();
}

bool HttpServer::wait_idle(std::chrono::steady_clock::time_point deadline) {
  // Polled: shutdown happens once, and a 10 ms step is far below its budget.
  while (counters_.open_connections.load(std::memory_order_acquire) > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void HttpServer::stop() {
  stopping_.store(true, std::memory_order_release);
  ioc_->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace logstreamer::server
