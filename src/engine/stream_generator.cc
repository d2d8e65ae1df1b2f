#include "engine/stream_generator.h"

#include <algorithm>
#include <queue>

#include "engine/synthetic_lines.h"

namespace logstreamer::engine {
namespace {

constexpr size_t kChunkPool = 4096;

}  // namespace

StreamGenerator::StreamGenerator(StreamOptions options, core::BoundedQueue<EventBatch>& out)
    : options_(options), out_(out) {
  if (options_.replay != nullptr) {
    chunks_ = options_.replay;
    return;
  }
  auto pool = std::make_shared<std::vector<std::string>>();
  chunks_ = pool;
  engine::SyntheticLines lines(engine::SyntheticOptions{.seed = options.seed});
  fmt::memory_buffer line;
  pool->reserve(kChunkPool);
  for (size_t i = 0; i < kChunkPool; ++i) {
    // Whole lines up to chunk_size bytes. A line longer than the whole chunk
    // is passed over (a cut line would not parse); after many tries (a chunk
    // size below every line) a cut line is taken so that this ends.
    std::string chunk;
    for (int tries = 0; chunk.size() < options.chunk_size; ++tries) {
      line.clear();
      if (options.format) {
        lines.append(*options.format, line);
      } else {
        lines.append_mixed(line);
      }
      if (chunk.size() + line.size() <= options.chunk_size) {
        chunk.append(line.data(), line.size());
      } else if (!chunk.empty()) {
        break;  // full enough
      } else if (tries >= 100) {
        chunk.append(line.data(), options.chunk_size - 1);
        chunk.push_back('\n');
      }
    }
    pool->push_back(std::move(chunk));
  }
}

void StreamGenerator::start(size_t threads) {
  threads = std::clamp<size_t>(threads, 1, std::max<size_t>(1, options_.streams));
  started_threads_ = threads;
  for (size_t t = 0; t < threads; ++t) {
    threads_.emplace_back([this, t, threads](std::stop_token stop) {
      run(stop, t, threads);
      finished_threads_.fetch_add(1, std::memory_order_acq_rel);
    });
  }
}

void StreamGenerator::stop() {
  for (auto& t : threads_) t.request_stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void StreamGenerator::offer(EventBatch& batch) {
  if (batch.events.empty()) return;
  const size_t events = batch.events.size();
  batch.enqueued_ns = steady_ns();
  batches_.fetch_add(1, std::memory_order_relaxed);
  out_.offer(batch, events);  // weighed in events; the queue counts drops
  batch = EventBatch{};
}

void StreamGenerator::run(std::stop_token stop, size_t thread_index, size_t threads) {
  using Clock = std::chrono::steady_clock;
  using namespace std::chrono_literals;
  uint64_t rng = options_.seed * 0x9e3779b97f4a7c15ULL + thread_index + 1;
  const auto random = [&rng](uint64_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n == 0 ? 0 : rng % n;
  };
  // This thread's streams, by next emission time.
  using Due = std::pair<Clock::time_point, size_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  const auto start = Clock::now();
  for (size_t s = thread_index; s < options_.streams; s += threads) {
    due.emplace(start + std::chrono::milliseconds(random(options_.interval_ms + 1)), s);
  }
  // Open loop: this thread's share of the rate, evenly spaced.
  const std::chrono::nanoseconds pace =
      options_.rate > 0 ? std::chrono::nanoseconds(1'000'000'000ULL * threads / options_.rate) : 0ns;
  auto next_paced = start;

  EventBatch batch;
  Clock::time_point batch_started{};
  uint64_t turn = 0;
  const std::vector<std::string>& chunks = *chunks_;
  const uint64_t replay_total =
      options_.replay != nullptr ? chunks.size() * options_.replay_loops : 0;
  size_t chunk_index = random(chunks.size());
  while (!stop.stop_requested() && !due.empty()) {
    auto now = Clock::now();
    // Open loop: the rate alone paces emission (streams take turns);
    // otherwise each stream's own random interval does.
    Clock::time_point when = pace > 0ns ? next_paced : due.top().first;
    if (!batch.events.empty()) when = std::min(when, batch_started + options_.batch_timeout);
    if (when > now) {
      std::this_thread::sleep_for(std::min<Clock::duration>(when - now, 50ms));
      now = Clock::now();
    }
    if (!batch.events.empty() && now >= batch_started + options_.batch_timeout) offer(batch);
    if ((pace > 0ns ? next_paced : due.top().first) > now) continue;

    if (!options_.adaptive_steps.empty()) {  // slow down by queue usage instead of dropping
      const double usage = out_.usage();
      for (const auto& step : options_.adaptive_steps) {
        if (usage > step.usage) {
          if (!pause_gate_ || pause_gate_()) std::this_thread::sleep_for(step.pause);
          break;
        }
      }
    }
    size_t next_chunk = chunk_index;
    if (options_.replay != nullptr) {  // the file in order, over every thread
      const uint64_t ticket = next_ticket_.fetch_add(1, std::memory_order_relaxed);
      if (ticket >= replay_total) break;
      next_chunk = static_cast<size_t>(ticket % chunks.size());
    } else {
      chunk_index = (chunk_index + 1) % chunks.size();
    }
    const size_t stream = due.top().second;
    due.pop();
    const std::string& chunk = chunks[next_chunk];
    if (batch.events.empty()) batch_started = Clock::now();
    batch.events.push_back(Event{static_cast<uint32_t>(batch.text.size()), static_cast<uint32_t>(chunk.size()),
                                 steady_ns()});
    batch.text += chunk;
    produced_.fetch_add(1, std::memory_order_relaxed);
    if (batch.events.size() >= options_.batch_size) offer(batch);
    // Open loop: back in line behind the others (a turn counter keeps it
    // round robin); closed loop: after the stream's own random pause.
    due.emplace(pace > 0ns ? Clock::time_point{} + std::chrono::nanoseconds(++turn)
                           : Clock::now() + std::chrono::milliseconds(random(options_.interval_ms + 1)),
                stream);
    if (pace > 0ns) next_paced += pace;
  }
  offer(batch);  // what is pending goes out before we stop
}

}  // namespace logstreamer::engine
