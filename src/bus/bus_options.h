#pragma once
// BusOptions: where serve's bus is and what its stream and consumer look
// like (serve --bus ...; see docs/SCALING.md). Values, no behaviour.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace logstreamer::bus {

enum class Role { kIngest, kProcess, kAll };

struct BusOptions {
  std::vector<std::string> servers;  // nats://host:port, the servers of one cluster
  std::string stream = "LOGS";
  std::string subject_prefix = "logs";  // requests go to <prefix>.<input name>
  std::string consumer = "processors";  // the durable pull consumer every processor shares
  int64_t replicas = 1;
  std::chrono::milliseconds max_age{24LL * 3600 * 1000};
  int64_t max_bytes = 1LL << 30;
  // JetStream drops a message whose id it stored within this window (a
  // sender's retry on another ingest node): at least two minutes.
  std::chrono::milliseconds dedupe_window{120000};
  // A message a processor holds longer than this without acknowledging it
  // goes to another processor (a crashed one's, after this long).
  std::chrono::milliseconds ack_wait{30000};
  int64_t max_ack_pending = 2000;  // messages held by all processors together
  // This node's name in heartbeats and stored summaries.
  std::string node;
};

}  // namespace logstreamer::bus
