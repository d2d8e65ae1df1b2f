#pragma once
// The open connections of an HttpServer, for its connection caps: who is
// idle, who is oldest, how many per client address. Internal to
// http_server.cc (included by it alone).
#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/http_server.h"

namespace logstreamer::server {

// A session the server can reach at shutdown without owning it.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Runs on the session's strand: closes the connection if no request is in
  // progress, else marks it to close after the response.
  virtual void shutdown_if_idle() = 0;
  // No request in flight (set on the session's strand, read by the acceptor
  // to pick a connection to close at the cap).
  bool idle() const { return idle_.load(std::memory_order_acquire); }

 protected:
  std::atomic<bool> idle_{true};
};

// Every open session, oldest first, with counts per client address, so that
// a new connection at a cap can close the oldest idle one (the policy is in
// http_server.h). Thread-safe: admit() runs on the acceptor's strand, add()
// and remove() on the sessions' (remove() from ~Session), all under one mutex.
class ConnectionRegistry {
 public:
  struct Entry {
    std::weak_ptr<SessionBase> session;
    const SessionBase* raw;  // valid while the entry exists (removed by ~Session)
    std::string address;
    bool evicting = false;  // told to close; no longer counted against a cap
  };
  using Registration = std::list<Entry>::iterator;

  // Makes room for a connection from `address` (the acceptor's strand only):
  // false when a cap is reached and no connection there is idle.
  bool admit(const std::string& address, const HttpLimits& limits, ServerCounters& counters) {
    std::shared_ptr<SessionBase> victim;
    {
      std::lock_guard lock(mutex_);
      const size_t per_client = limits.max_connections_per_client;
      const auto it = clients_.find(address);
      const bool client_full = per_client > 0 && it != clients_.end() && it->second >= per_client;
      if (!client_full && counted_ < limits.max_connections) return true;
      for (Entry& e : sessions_) {
        if (e.evicting || !e.raw->idle() || (client_full && e.address != address)) continue;
        victim = e.session.lock();
        if (!victim) continue;  // being destroyed
        mark_evicting(e);
        break;
      }
    }
    if (!victim) return false;
    counters.connections_evicted.fetch_add(1, std::memory_order_relaxed);
    victim->shutdown_if_idle();
    return true;
  }

  Registration add(std::weak_ptr<SessionBase> s, const SessionBase* raw,
                   const std::string& address) {
    std::lock_guard lock(mutex_);
    ++clients_[address];
    ++counted_;
    return sessions_.insert(sessions_.end(), Entry{std::move(s), raw, address});
  }
  void remove(Registration it) {
    std::lock_guard lock(mutex_);
    if (!it->evicting) mark_evicting(*it);
    sessions_.erase(it);
  }
  // Every session still alive, for a graceful stop.
  std::vector<std::shared_ptr<SessionBase>> live() {
    std::vector<std::shared_ptr<SessionBase>> all;
    std::lock_guard lock(mutex_);
    for (auto& e : sessions_) {
      if (auto s = e.session.lock()) all.push_back(std::move(s));
    }
    return all;
  }

 private:
  std::mutex mutex_;
  std::list<Entry> sessions_;                        // oldest first
  std::unordered_map<std::string, size_t> clients_;  // address -> sessions not evicting
  size_t counted_ = 0;                               // sessions not evicting

  void mark_evicting(Entry& e) {  // under mutex_: stops counting it
    e.evicting = true;
    --counted_;
    const auto it = clients_.find(e.address);
    if (--it->second == 0) clients_.erase(it);
  }
};

}  // namespace logstreamer::server
