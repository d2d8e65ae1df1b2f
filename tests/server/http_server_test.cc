// HttpServer in-process: concurrent keep-alive clients, limits, and a
// graceful stop that answers the request in flight. Runs under TSan too.
#include "server/http_server.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

namespace logstreamer::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

class EchoHandler : public Handler {
 public:
  Reply handle(Request& req, const ClientInfo&) override {
    calls.fetch_add(1);
    if (req.target() == "/slow") {
      std::unique_lock lock(m);
      slow_started = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release_slow; });
    }
    Response res{http::status::ok, req.version()};
    res.body() = "echo:" + req.body();
    res.prepare_payload();
    return {std::move(res), std::nullopt};
  }
  std::atomic<int> calls{0};
  std::mutex m;
  std::condition_variable cv;
  bool slow_started = false, release_slow = false;
};

struct Client {
  explicit Client(const net::ip::tcp::endpoint& ep) : stream(ioc) { stream.connect(ep); }
  http::response<http::string_body> send(http::verb verb, std::string target, std::string body = "",
                                         std::string header_value = "") {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!header_value.empty()) req.set("X-Big", header_value);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return res;
  }
  net::io_context ioc;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

TEST(HttpServer, ConcurrentKeepAliveClients) {
  EchoHandler handler;
  HttpServer server(handler, HttpLimits{});
  auto ep = server.listen("127.0.0.1", 0);
  ASSERT_TRUE(ep.ok()) << ep.status();
  server.start(2);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      Client c(*ep);
      for (int i = 0; i < 50; ++i) {
        const std::string body = std::to_string(t) + "-" + std::to_string(i);
        auto res = c.send(http::verb::post, "/x", body);
        if (res.result() == http::status::ok && res.body() == "echo:" + body) ok.fetch_add(1);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(handler.calls.load(), 200);
  EXPECT_EQ(server.counters().connections_accepted.load(), 4u);  // keep-alive: one connection each
  server.stop_accepting();
  EXPECT_TRUE(server.wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  server.stop();
}

TEST(HttpServer, LimitsAnswerWithStatusCodes) {
  EchoHandler handler;
  HttpLimits limits;
  limits.max_body_bytes = 1000;
  limits.max_header_bytes = 2000;
  HttpServer server(handler, limits);
  auto ep = server.listen("127.0.0.1", 0);
  ASSERT_TRUE(ep.ok());
  server.start(1);
  {
    Client c(*ep);
    EXPECT_EQ(c.send(http::verb::post, "/x", std::string(5000, 'a')).result(), http::status::payload_too_large);
  }
  {
    Client c(*ep);
    EXPECT_EQ(c.send(http::verb::get, "/x", "", std::string(5000, 'h')).result(),
              http::status::request_header_fields_too_large);
  }
  EXPECT_EQ(handler.calls.load(), 0);
  EXPECT_EQ(server.counters().too_large.load(), 1u);
  EXPECT_EQ(server.counters().headers_too_large.load(), 1u);
  server.stop();
}

TEST(HttpServer, GracefulStopAnswersTheRequestInFlight) {
  EchoHandler handler;
  HttpServer server(handler, HttpLimits{});
  auto ep = server.listen("127.0.0.1", 0);
  ASSERT_TRUE(ep.ok());
  server.start(2);
  Client idle(*ep);  // connected, never sends: closed by stop_accepting()
  http::response<http::string_body> slow_res;
  std::thread slow([&] {
    Client c(*ep);
    slow_res = c.send(http::verb::post, "/slow", "last words");
  });
  {
    std::unique_lock lock(handler.m);
    handler.cv.wait(lock, [&] { return handler.slow_started; });
  }
  server.stop_accepting();
  {
    std::lock_guard lock(handler.m);
    handler.release_slow = true;
    handler.cv.notify_all();
  }
  slow.join();
  EXPECT_EQ(slow_res.result(), http::status::ok);
  EXPECT_EQ(slow_res.body(), "echo:last words");
  EXPECT_FALSE(slow_res.keep_alive());  // closing after it
  EXPECT_TRUE(server.wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  server.stop();
}

// Answers later: every request gets a PendingReply, completed from another
// thread when the test says so ("/late", 60 s timeout), or never ("/never":
// its 300 ms timeout answers).
class LateHandler : public Handler {
 public:
  Reply handle(Request& req, const ClientInfo&) override {
    const bool late = req.target() == "/late";
    Reply r{json_error(http::status::service_unavailable, "timed out", req.version()), std::nullopt,
            std::make_shared<PendingReply>(), std::chrono::milliseconds(late ? 60000 : 300)};
    if (late) {
      std::lock_guard lock(m);
      pending.push_back(r.pending);
      cv.notify_all();
    }
    return r;
  }
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::shared_ptr<PendingReply>> pending;
};

TEST(HttpServer, PendingRepliesAreSentWhenCompletedOrAtTheirTimeout) {
  LateHandler handler;
  HttpServer server(handler, HttpLimits{});
  auto ep = server.listen("127.0.0.1", 0);
  ASSERT_TRUE(ep.ok());
  server.start(1);  // one I/O thread: a waiting request must not hold it
  http::response<http::string_body> late_res;
  std::thread late([&] {
    Client c(*ep);
    late_res = c.send(http::verb::post, "/late", "x");
  });
  {
    std::unique_lock lock(handler.m);
    handler.cv.wait(lock, [&] { return !handler.pending.empty(); });
  }
  // While /late waits, another client is served by the same I/O thread.
  Client other(*ep);
  EXPECT_EQ(other.send(http::verb::post, "/never", "y").result(),
            http::status::service_unavailable);
  Response done{http::status::ok, 11};
  done.body() = "committed";
  done.prepare_payload();
  std::shared_ptr<PendingReply> p;
  {
    std::lock_guard lock(handler.m);
    p = handler.pending.front();
  }
  EXPECT_TRUE(p->complete(done));  // from this thread, as a database writer would
  late.join();
  EXPECT_EQ(late_res.result(), http::status::ok);
  EXPECT_EQ(late_res.body(), "committed");
  EXPECT_FALSE(p->complete(done));  // only once
  server.stop();
}

TEST(HttpServer, PendingReplyCompletedBeforeItIsAttached) {
  PendingReply p;
  Response r{http::status::ok, 11};
  EXPECT_TRUE(p.complete(r));
  int delivered = 0;
  p.attach([&](Response res) { delivered += res.result() == http::status::ok ? 1 : 0; });
  EXPECT_EQ(delivered, 1);
  EXPECT_FALSE(p.complete(r));
}

}  // namespace
}  // namespace logstreamer::server
