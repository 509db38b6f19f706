// glint/mathx.h — the transcendental functions core needs, computed the same
// way on every platform.
//
// libm's exp/log/erfc differ between glibc (native) and musl (wasm) in the
// last bit, and a last bit is enough to make two JSON documents differ. These
// use only + - * / and sqrt, which IEEE 754 rounds identically everywhere, so
// native and wasm give byte-identical results. Accuracy: a few ulp, ample
// for confidences, forecasts and budget curves.
#pragma once

namespace glint::mathx {

double exp(double x);
double log(double x);            // x > 0
double pow(double x, double y);  // x > 0
// P(Z <= z) for a standard normal Z.
double normal_cdf(double z);
// x rounded to `digits` decimals, half away from zero (digits 0..9).
double round_to(double x, int digits);

}  // namespace glint::mathx
