#pragma once
// Owning handles for the NATS C client's objects (libnats, nats.h), so that
// no error path leaks one, and one way to turn its status codes into
// absl::Status with the library's own words.
//
// The C client is thread-safe per connection; a jsCtx and a subscription
// belong to the connection they came from and must be destroyed before it.
#include <memory>
#include <string>
#include <string_view>

#include <nats/nats.h>

#include "absl/status/status.h"

namespace logstreamer::bus {

struct NatsDeleter {
  void operator()(natsOptions* p) const { natsOptions_Destroy(p); }
  void operator()(natsConnection* p) const { natsConnection_Destroy(p); }
  void operator()(jsCtx* p) const { jsCtx_Destroy(p); }
  void operator()(natsSubscription* p) const { natsSubscription_Destroy(p); }
  void operator()(natsMsg* p) const { natsMsg_Destroy(p); }
  void operator()(jsStreamInfo* p) const { jsStreamInfo_Destroy(p); }
  void operator()(jsConsumerInfo* p) const { jsConsumerInfo_Destroy(p); }
  void operator()(jsMsgMetaData* p) const { jsMsgMetaData_Destroy(p); }
};

template <typename T>
using NatsPtr = std::unique_ptr<T, NatsDeleter>;

// "what: <status text> (<the library's last error>)"; OK for NATS_OK.
absl::Status nats_status(natsStatus s, std::string_view what,
                         jsErrCode js_code = static_cast<jsErrCode>(0));

}  // namespace logstreamer::bus
