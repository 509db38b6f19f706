#include "read/scan.h"

#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define GLINT_SCAN_X86 1
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define GLINT_SCAN_WASM 1
#endif

namespace glint::scan {

uint64_t breaks_scalar(const char* p, char delim) {
  uint64_t m = 0;
  for (int i = 0; i < 64; ++i) {
    const char c = p[i];
    if (c == delim || c == '\n' || c == '\r') m |= uint64_t{1} << i;
  }
  return m;
}

#ifdef GLINT_SCAN_X86
namespace {

uint64_t breaks_sse2(const char* p, char delim) {
  const __m128i d = _mm_set1_epi8(delim), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  uint64_t m = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, cr));
    m |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(hit))) << (16 * i);
  }
  return m;
}

__attribute__((target("avx2"))) uint64_t breaks_avx2(const char* p, char delim) {
  const __m256i d = _mm256_set1_epi8(delim), lf = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  const __m256i hit_lo =
      _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(lo, d), _mm256_cmpeq_epi8(lo, lf)), _mm256_cmpeq_epi8(lo, cr));
  const __m256i hit_hi =
      _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(hi, d), _mm256_cmpeq_epi8(hi, lf)), _mm256_cmpeq_epi8(hi, cr));
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(hit_lo))) |
         (static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(hit_hi))) << 32);
}

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

}  // namespace
#endif

#ifdef GLINT_SCAN_WASM
namespace {

uint64_t breaks_simd128(const char* p, char delim) {
  const v128_t d = wasm_i8x16_splat(delim), lf = wasm_i8x16_splat('\n'), cr = wasm_i8x16_splat('\r');
  uint64_t m = 0;
  for (int i = 0; i < 4; ++i) {
    const v128_t v = wasm_v128_load(p + 16 * i);
    const v128_t hit = wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v, d), wasm_i8x16_eq(v, lf)), wasm_i8x16_eq(v, cr));
    m |= static_cast<uint64_t>(wasm_i8x16_bitmask(hit)) << (16 * i);
  }
  return m;
}

}  // namespace
#endif

bool available(Kind kind) {
  switch (kind) {
    case Kind::kScalar: return true;
#ifdef GLINT_SCAN_X86
    case Kind::kSse2: return true;
    case Kind::kAvx2: {
      static const bool has = cpu_has_avx2();
      return has;
    }
#endif
#ifdef GLINT_SCAN_WASM
    case Kind::kSimd128: return true;
#endif
    default: return false;
  }
}

Kind best() {
  if (available(Kind::kAvx2)) return Kind::kAvx2;
  if (available(Kind::kSse2)) return Kind::kSse2;
  if (available(Kind::kSimd128)) return Kind::kSimd128;
  return Kind::kScalar;
}

BreaksFn breaks(Kind kind) {
  if (!available(kind)) return breaks_scalar;
  switch (kind) {
#ifdef GLINT_SCAN_X86
    case Kind::kSse2: return breaks_sse2;
    case Kind::kAvx2: return breaks_avx2;
#endif
#ifdef GLINT_SCAN_WASM
    case Kind::kSimd128: return breaks_simd128;
#endif
    default: return breaks_scalar;
  }
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::kScalar: return "scalar";
    case Kind::kSse2: return "sse2";
    case Kind::kAvx2: return "avx2";
    case Kind::kSimd128: return "simd128";
  }
  return "scalar";
}

}  // namespace glint::scan
