#pragma once
// Which sanitizer this translation unit is built with, for the few places
// that behave differently under one: reads past an object's end within its
// page (simd/read_ahead.h), which AddressSanitizer reports however safe, and
// the exit without teardown (cli/exit_without_teardown.h), skipped so that
// ASan and TSan keep checking the destructors. GCC defines __SANITIZE_*;
// Clang answers __has_feature.
namespace logstreamer::core {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif
#else
inline constexpr bool kThreadSanitizer = false;
#endif

}  // namespace logstreamer::core
