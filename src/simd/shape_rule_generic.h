// The rule of message shapes on vector lanes, generic over the tier: which
// bytes of each message the shape keeps and where its markers go, as bit
// arithmetic on one class mask per lane (a 64-bit lane per short message,
// a pair of lanes holding a 128-bit mask per long one).
//
// Deliberately no include guard: shape_kernels_avx512.h and
// shape_kernels_avx2.h include this once each, inside a namespace of their
// own, after defining there
//   LS_KERNEL             the function attribute for that tier
//   Vec                   the vector type
//   vand(a, b), vor(a, b), and_not(a, b)   (a & ~b)
// and lane layouts (SingleLanes, PairedLanes) providing shl<K>, shr<K>,
// add and reverse over their masks; so the rule is written once, as
// mask_kernel_generic.h is for the template kernel. shape_plan.h is the
// same rule on plain integers, for the scalar kernel.

// Bits of the tokens (runs of `t`, starting at bits `s`, ending at bits `e`)
// that contain a bit of `x`, and those tokens' start bits. Carries do the
// work: adding a token's start bit to its bits that are not in `x` runs up to
// its first `x` bit; adding that bit to the token runs to its end. The same
// over the reversed bits (`rt`, `re`: the tokens and their ends, reversed)
// runs from the token's last `x` bit back to its start; together they cover
// the token.
struct Marked {
  Vec bits, starts;
};
template <typename Lanes>
LS_KERNEL inline Marked tokens_containing(Vec x, Vec t, Vec s, Vec rt, Vec re) {
  const Vec first_x = vand(Lanes::add(and_not(t, x), s), x);
  const Vec to_end = and_not(t, Lanes::add(t, first_x));
  const Vec rx = Lanes::reverse(x);
  const Vec last_x = vand(Lanes::add(and_not(rt, rx), re), rx);
  const Vec from_start = Lanes::reverse(and_not(rt, Lanes::add(rt, last_x)));
  const Vec bits = vor(to_end, from_start);
  return {bits, vand(bits, s)};
}

// What the shape keeps of each message, and where the markers go. The token
// rule is message_template.h's: tokens are runs of letters, digits,
// . - + % _ and bytes >= 0x80; a token with a digit is a number
// ([+-] digit (digit | .)* with an optional unit of "%" or 1-3 letters) or
// else an id. Each class is one mask per lane, only bytes of the message
// set (`lanes`: the message's bytes); the top bit of each mask must be clear
// (a message is shorter than its mask's width).
struct Plan {
  Vec keep, id_marks, number_marks;
};
struct ClassLanes {
  Vec digit, alpha, dot, percent, sign, token, lanes;
};
template <typename Lanes>
LS_KERNEL inline Plan plan(const ClassLanes& c) {
  const Vec digit = c.digit, alpha = c.alpha, dot = c.dot, percent = c.percent, sign = c.sign,
            t = c.token, lanes = c.lanes;
  const Vec s = and_not(t, Lanes::template shl<1>(t));  // token starts
  const Vec e = and_not(t, Lanes::template shr<1>(t));  // token ends (last byte)
  const Vec rt = Lanes::reverse(t), re = Lanes::reverse(e);
  const Marked masked = tokens_containing<Lanes>(digit, t, s, rt, re);  // tokens to mask
  // Number candidates start with a digit, or a sign then a digit.
  const Vec candidate = vand(masked.starts, vor(digit, vand(sign, Lanes::template shr<1>(digit))));
  const Vec body_start =
      vor(vand(candidate, digit), Lanes::template shl<1>(and_not(candidate, digit)));
  const Vec body = vor(digit, dot);
  const Vec after_body = vand(and_not(Lanes::add(body, body_start), body), t);  // first unit byte
  const Vec unit = and_not(t, Lanes::add(t, after_body));  // from there to the token's end
  const Vec too_long = vand(vand(unit, Lanes::template shr<1>(unit)),
                            vand(Lanes::template shr<2>(unit), Lanes::template shr<3>(unit)));
  const Vec lone_percent = vand(vand(percent, after_body), e);
  const Vec bad_unit = vor(and_not(and_not(unit, alpha), lone_percent), too_long);
  const Marked ids_among_candidates = tokens_containing<Lanes>(bad_unit, t, s, rt, re);
  const Vec numbers = and_not(candidate, ids_among_candidates.starts);
  // Keep what is not masked, each masked token's first byte (the marker) and
  // the unit of each number.
  return {vor(vor(and_not(lanes, masked.bits), masked.starts),
              and_not(unit, ids_among_candidates.bits)),
          and_not(masked.starts, numbers), numbers};
}
