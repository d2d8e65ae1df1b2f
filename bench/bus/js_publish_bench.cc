// js_publish_bench: the bare JetStream publish rate of given request bodies,
// the limit for lines/s through `serve --bus` (bench/bus_bench.sh). A
// minimal publisher, as the nats.c examples write one: asynchronous
// publishes with a message id each (as serve's ingest nodes send them),
// at most --max-pending unacknowledged, into a stream made like serve's
// (file storage, --replicas), deleted at the end.
//
//   js_publish_bench SERVERS BODY_FILE SECONDS REPLICAS [MAX_PENDING]
//
// Prints one line: "messages M acked_per_s R bytes_per_s B".
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nats/nats.h>

namespace {

std::atomic<uint64_t> acked{0}, failed{0};

void on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void*) {
  if (pa != nullptr && pae == nullptr) {
    acked.fetch_add(1, std::memory_order_relaxed);
  } else {
    failed.fetch_add(1, std::memory_order_relaxed);
  }
  natsMsg_Destroy(msg);
}

int die(const char* what, natsStatus s) {
  std::fprintf(stderr, "js_publish_bench: %s: %s (%s)\n", what, natsStatus_GetText(s),
               nats_GetLastError(nullptr));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: js_publish_bench SERVERS BODY_FILE SECONDS REPLICAS [MAX_PENDING]\n");
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();
  const double seconds = std::atof(argv[3]);
  const int64_t replicas = std::atoll(argv[4]);
  const int64_t max_pending = argc > 5 ? std::atoll(argv[5]) : 4096;

  natsOptions* opts = nullptr;
  natsOptions_Create(&opts);
  std::vector<std::string> urls;
  std::string all = argv[1];
  for (size_t at = 0; at <= all.size();) {
    const size_t comma = all.find(',', at);
    urls.push_back(all.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  std::vector<const char*> raw;
  for (const auto& u : urls) raw.push_back(u.c_str());
  natsOptions_SetServers(opts, raw.data(), static_cast<int>(raw.size()));
  natsConnection* nc = nullptr;
  if (natsStatus s = natsConnection_Connect(&nc, opts); s != NATS_OK) return die("connect", s);
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.AckHandler = on_ack;
  jo.PublishAsync.MaxPending = max_pending;
  jsCtx* js = nullptr;
  if (natsStatus s = natsConnection_JetStream(&js, nc, &jo); s != NATS_OK)
    return die("jetstream", s);

  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  const char* subjects[] = {"bench.>"};
  cfg.Name = "BENCH";
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Replicas = replicas;
  cfg.MaxBytes = 512LL << 20;  // per server; oldest dropped (nothing consumes this stream)
  cfg.Discard = js_DiscardOld;
  cfg.Duplicates = 120LL * 1000000000;
  jsStreamInfo* si = nullptr;
  js_DeleteStream(js, "BENCH", nullptr, nullptr);
  if (natsStatus s = js_AddStream(&si, js, &cfg, nullptr, nullptr); s != NATS_OK)
    return die("add stream", s);
  jsStreamInfo_Destroy(si);

  uint64_t sent = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  char id[64];
  while (std::chrono::steady_clock::now() < end) {
    natsMsg* msg = nullptr;
    natsMsg_Create(&msg, "bench.logdrain", nullptr, body.data(), static_cast<int>(body.size()));
    std::snprintf(id, sizeof(id), "bench-%llu", static_cast<unsigned long long>(sent));
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = id;
    po.MaxWait = 10000;
    if (js_PublishMsgAsync(js, &msg, &po) == NATS_OK) ++sent;
    natsMsg_Destroy(msg);  // no effect once the library took it
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = 30000;
  js_PublishAsyncComplete(js, &po);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("messages %llu acked_per_s %.1f bytes_per_s %.0f failed %llu\n",
              static_cast<unsigned long long>(acked.load()),
              static_cast<double>(acked.load()) / elapsed,
              static_cast<double>(acked.load()) * static_cast<double>(body.size()) / elapsed,
              static_cast<unsigned long long>(failed.load()));
  js_DeleteStream(js, "BENCH", nullptr, nullptr);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  natsOptions_Destroy(opts);
  return 0;
}
