#include "aggregate/malformed_samples.h"

#include <algorithm>

namespace logstreamer::aggregate {

size_t MalformedSamples::latest() const {
  size_t idx = 0;
  for (size_t i = 1; i < samples_.size(); ++i) {
    if (samples_[idx].position < samples_[i].position) idx = i;
  }
  return idx;
}

void MalformedSamples::add(const LinePosition& pos, parse::ParseError why, std::string_view line) {
  if (max_ == 0) return;
  if (samples_.size() >= max_ && !(pos < samples_[latest()].position)) return;
  MalformedSample s;
  s.position = pos;
  s.reason = std::string(parse::reason(why));
  s.text = std::string(line.substr(0, kMaxSampleBytes));
  add(std::move(s));
}

void MalformedSamples::add(MalformedSample sample) {
  if (max_ == 0) return;
  if (samples_.size() < max_) {
    samples_.push_back(std::move(sample));
    return;
  }
  const size_t idx = latest();
  if (sample.position < samples_[idx].position) samples_[idx] = std::move(sample);
}

void MalformedSamples::merge(const MalformedSamples& other) {
  for (const auto& s : other.samples_) add(s);
}

std::vector<MalformedSample> MalformedSamples::sorted() const {
  auto out = samples_;
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.position < b.position; });
  return out;
}

}  // namespace logstreamer::aggregate
