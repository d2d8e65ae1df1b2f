#include "aggregate/message_template.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include "simd/message_mask.h"
#include "simd/message_mask_common.h"
#include "simd/simd_level.h"

namespace logstreamer::aggregate {
namespace {

using simd::mask::write_mask;

// ---- shared by both implementations ----------------------------------------

// memcpy for the short runs of a message, without a library call: two
// overlapping word copies cover 8..16 bytes, and so on down.
inline void copy_short(char* dst, const char* src, size_t n) {
  if (n >= 8) {
    if (n > 16) {
      std::memcpy(dst, src, n);
      return;
    }
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

// ---- the scalar reference ---------------------------------------------------

enum : uint8_t { kDelimiter = 1, kDigit = 2, kAlpha = 4, kOther = 8 };

constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> t{};
  t.fill(kDelimiter);
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAlpha;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAlpha;
  for (char c : std::string_view(".-+%_")) t[static_cast<unsigned char>(c)] = kOther;
  for (int c = 0x80; c <= 0xff; ++c) t[c] = kOther;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = make_classes();
inline uint8_t cls(char c) { return kClass[static_cast<unsigned char>(c)]; }

// Length of the unit suffix if `token` is a number with a unit, else -1.
// number = [+-] DIGIT *(DIGIT / ".") ; unit = "%" / 1*3ALPHA
int number_unit_length(std::string_view token) {
  size_t i = 0;
  if (token[0] == '+' || token[0] == '-') ++i;
  if (i >= token.size() || cls(token[i]) != kDigit) return -1;
  while (i < token.size() && (cls(token[i]) == kDigit || token[i] == '.')) ++i;
  const size_t unit = token.size() - i;
  if (unit == 0) return 0;
  if (unit == 1 && token[i] == '%') return 1;
  if (unit > 3) return -1;
  for (; i < token.size(); ++i) {
    if (cls(token[i]) != kAlpha) return -1;
  }
  return static_cast<int>(unit);
}

}  // namespace

namespace detail {

std::string_view mask_message_scalar(std::string_view message, char* scratch) {
  if (message.size() > kMaxTemplateInput) message = message.substr(0, kMaxTemplateInput);
  const char* const s = message.data();
  const size_t n = message.size();
  size_t i = 0;
  while (i < n && cls(s[i]) != kDigit) ++i;
  if (i == n) return message;

  char* out = scratch;
  size_t verbatim_from = 0;
  while (i < n) {
    size_t start = i;
    while (start > verbatim_from && cls(s[start - 1]) != kDelimiter) --start;
    size_t end = i;
    while (end < n && cls(s[end]) != kDelimiter) ++end;
    copy_short(out, s + verbatim_from, start - verbatim_from);
    out += start - verbatim_from;
    const int unit = number_unit_length({s + start, end - start});
    out += write_mask(out, s + end - (unit > 0 ? unit : 0), unit);
    verbatim_from = end;
    i = end;
    while (i < n && cls(s[i]) != kDigit) ++i;
  }
  copy_short(out, s + verbatim_from, n - verbatim_from);
  out += n - verbatim_from;
  return {scratch, static_cast<size_t>(out - scratch)};
}

}  // namespace detail

namespace {

using Kernel = simd::MaskMessageKernel;

std::string_view mask_with(Kernel kernel, std::string_view message, char* scratch, const char* readable_end) {
  if (message.size() > kMaxTemplateInput) message = message.substr(0, kMaxTemplateInput);
  const int n = static_cast<int>(message.size());
  const char* s = message.data();
  // Whole-block reads go up to 64 bytes past the message. Near the end of its
  // buffer (or with no promise), work on a zero-padded private copy.
  alignas(64) char padded[kMaxTemplateInput + 64];
  if (readable_end == nullptr || readable_end - s < n + 64) {
    std::memcpy(padded, s, message.size());
    std::memset(padded + n, 0, 64);
    s = padded;
  }
  if (auto masked = kernel(s, n, message, scratch)) return *masked;
  return detail::mask_message_scalar(message, scratch);
}

}  // namespace

std::string_view mask_message(std::string_view message, char* scratch, const char* readable_end) {
  static const Kernel kernel = simd::mask_message_kernel(simd::active_level());
  return mask_with(kernel, message, scratch, readable_end);
}

std::string_view detail::mask_message_with(simd::Level level, std::string_view message, char* scratch,
                                           const char* readable_end) {
  return mask_with(simd::mask_message_kernel(level), message, scratch, readable_end);
}

}  // namespace logstreamer::aggregate
