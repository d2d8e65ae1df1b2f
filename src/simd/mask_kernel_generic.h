// The bit-mask masking kernel (simd/message_mask.h), generic over the tier.
//
// Deliberately no include guard: message_mask.cc and message_mask_x86.cc
// include this once per tier, inside a namespace of their own (scalar, sse2,
// avx2, avx512), after defining there
//   LS_KERNEL                  the function attribute for that tier
//   ClassMasks classify(p)     the class masks of the 64 bytes at p
//   void copy64(dst, src)      a 64-byte copy
// so one algorithm is compiled once per tier, as in simdjson's generic/
// folder. Shared helpers (Mask, below, write_mask, ClassMasks) are in
// simd/message_mask_common.h.

// number_unit_length for the token [start, end), from the masks alone.
LS_KERNEL inline int unit_length(const ClassMasks& m, int start, int end) {
  const int s0 = start + static_cast<int>((m.sign >> start) & 1);
  if (s0 >= end || ((m.digit >> s0) & 1) == 0) return -1;
  const Mask rest = ~(m.digit | m.dot) & below(end) & ~below(s0);
  const int r = rest != 0 ? std::countr_zero(rest) : end;
  const int unit = end - r;
  if (unit == 0) return 0;
  if (unit == 1 && ((m.percent >> r) & 1)) return 1;
  if (unit > 3) return -1;
  const Mask unit_bits = below(end) & ~below(r);
  return (m.alpha & unit_bits) == unit_bits ? unit : -1;
}

// Copies `len` bytes in whole 64-byte blocks: reads and writes up to 63 bytes
// past the run, which the callers' padding and slack allow.
LS_KERNEL inline void copy_run(char* dst, const char* src, int len) {
  for (int k = 0; k < len; k += 64) copy64(dst + k, src + k);
}

// `s` holds the message (n bytes) followed by at least 64 readable bytes;
// `scratch` has kMaxTemplateBytes (which include 64 bytes of slack). The
// message is looked at in 64-byte windows; a window that is not the last ends
// at its last delimiter, so every token lies within one window. Verbatim runs
// are copied in whole blocks and the output advanced by the run's length, so
// no copy branches on a length. Returns nullopt for a token longer than a
// window, which is left to the scalar code.
LS_KERNEL std::optional<std::string_view> mask_message_bits(const char* s, int n,
                                                            std::string_view message,
                                                            char* scratch) {
  char* out = scratch;
  int verbatim_from = 0;  // start of the not-yet-copied unmasked text
  for (int w = 0; w < n;) {
    const ClassMasks m = classify(s + w);
    const int remaining = n - w;
    const Mask delim = ~m.token | ~below(remaining);  // bytes past the message end tokens
    int limit = remaining;  // tokens starting before `limit` belong to this window
    if (remaining > 64) {
      if (delim == 0) return std::nullopt;
      limit = 64 - std::countl_zero(delim);  // just past the last delimiter
    }
    Mask digits = m.digit & below(limit);
    while (digits != 0) {
      const int d = std::countr_zero(digits);
      const Mask before = delim & below(d);
      const int start = before != 0 ? 64 - std::countl_zero(before) : 0;
      const Mask after = delim & ~below(d);
      const int end = after != 0 ? std::countr_zero(after) : 64;
      copy_run(out, s + verbatim_from, w + start - verbatim_from);
      out += w + start - verbatim_from;
      const int unit = unit_length(m, start, end);
      out += write_mask_branchless(out, s + w + end - (unit > 0 ? unit : 0), unit);
      verbatim_from = w + end;
      digits &= ~below(end);
    }
    w += limit;
  }
  if (out == scratch && verbatim_from == 0) return message;  // nothing masked: no copy
  copy_run(out, s + verbatim_from, n - verbatim_from);
  out += n - verbatim_from;
  return std::string_view(scratch, static_cast<size_t>(out - scratch));
}
