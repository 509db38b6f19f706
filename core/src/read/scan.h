// read/scan.h — the structural scan under the CSV tokenizer: 64 bytes at a
// time to a bitmask of the bytes that can end an unquoted field (the
// delimiter, LF, CR), so the tokenizer finds each field's end with one
// count-trailing-zeros instead of looking at its bytes one by one.
//
// One interface, several implementations chosen once at run time: SSE2 (the
// x86-64 baseline), AVX2 where the CPU has it, WebAssembly simd128 in the wasm
// build, and a scalar twin that every other one must agree with bit for bit
// (the fuzz target and unit.Scan check it).
#pragma once

#include <cstdint>
#include <string_view>

namespace glint::scan {

enum class Kind : uint8_t { kScalar, kSse2, kAvx2, kSimd128 };

// Bit i set when p[i] (0 <= i < 64) is `delim`, '\n' or '\r'. p must have 64
// readable bytes.
using BreaksFn = uint64_t (*)(const char* p, char delim);

// The fastest implementation this machine runs; kScalar asks for the twin.
BreaksFn breaks(Kind kind);
Kind best();
// Every implementation this build and CPU can run (kScalar first).
std::string_view kind_name(Kind kind);
bool available(Kind kind);

uint64_t breaks_scalar(const char* p, char delim);

}  // namespace glint::scan
