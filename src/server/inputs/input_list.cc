#include "server/inputs/input_list.h"

#include <stdexcept>

#include "server/inputs/ingest_input.h"
#include "server/inputs/logplex_input.h"

namespace logstreamer::server {

std::vector<std::unique_ptr<HttpInput>> make_http_inputs(const InputContext& ctx) {
  std::vector<std::unique_ptr<HttpInput>> inputs;
  // One line per input.
  inputs.push_back(std::make_unique<LogplexInput>(ctx));  // POST /logdrains
  inputs.push_back(std::make_unique<IngestInput>(ctx));   // POST /ingest

  if (inputs.size() > engine::kMaxIngestSources)
    throw std::logic_error("more inputs than kMaxIngestSources");
  for (size_t i = 0; i < inputs.size(); ++i)
    inputs[i]->set_source(static_cast<engine::IngestSource>(i));
  return inputs;
}

std::vector<std::string> http_input_names() {
  // Built without a pipeline or gate: names and paths need neither.
  std::vector<std::string> names;
  for (const auto& input : make_http_inputs(InputContext{})) names.emplace_back(input->name());
  return names;
}

}  // namespace logstreamer::server
