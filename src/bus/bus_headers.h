#pragma once
// The headers logstreamer puts on a bus message besides Nats-Msg-Id: what
// a processor needs to treat the body as the request it was.
namespace logstreamer::bus {

inline constexpr const char* kHeaderLines = "Ls-Lines";             // lines in the body
inline constexpr const char* kHeaderReceivedUs = "Ls-Received-Us";  // arrival at the ingest node
inline constexpr const char* kHeaderMsgId = "Nats-Msg-Id";  // set by JetStream publish options

}  // namespace logstreamer::bus
