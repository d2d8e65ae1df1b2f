#pragma once
// serve's HTTP inputs, in one list: the only place that names them. An input
// added here is routed, counted and named everywhere else by iterating it.
#include <memory>
#include <string>
#include <vector>

#include "server/inputs/http_input.h"

namespace logstreamer::server {

// Builds every input, each told its IngestSource (its place in the list).
std::vector<std::unique_ptr<HttpInput>> make_http_inputs(const InputContext& ctx);

// Their names by IngestSource, for the pipeline (IngestOptions::source_names),
// which exists before the inputs do.
std::vector<std::string> http_input_names();

}  // namespace logstreamer::server
