#pragma once
// The device physics as pure functions of a normalised conductance x = (G - Gmin) / (Gmax - Gmin) in [0, 1]
// and a normalised pulse count p = P / Pmax (Pmax = levels - 1 pulses span the window).
//
// Potentiation (NeuroSim form, Chen et al., IEEE TCAD 2018):  G(P) = B (1 - e^(-P/A)) + Gmin with B chosen so
// that G(Pmax) = Gmax, i.e.  x(p) = (1 - e^(-p/a)) / (1 - e^(-1/a)),  a = A / Pmax.
// Depression is the mirror image from Gmax with its own a_d:  x(q) = 1 - (1 - e^(-q/a_d)) / (1 - e^(-1/a_d))
// after q normalised depression pulses. Both saturate: steps are large far from the bound they move to and
// shrink near it. a = 0 means a linear response.
namespace scx::devices {

// x after p normalised potentiation pulses from Gmin (p clamped to [0, 1]).
double ltp_fraction(double p, double a);
// The inverse: normalised pulses from Gmin that reach x.
double ltp_pulses(double x, double a);
// x after `pulses` normalised pulses from state x: positive potentiate along the LTP curve, negative depress
// along the LTD curve; the result stays in [0, 1].
double pulse_step(double x, double pulses, double a_ltp, double a_ltd);
// The programmable state (one of the `levels` states reached by 0..levels-1 potentiation pulses) nearest to
// x; levels = 0 returns x (a continuous device).
double nearest_level(double x, int levels, double a_ltp);
// Retention drift (power law, Boybat et al. 2018; aihwkit's PCM model): G(t) / G(t0) = (t / t0)^-nu for
// t > t0, 1 before.
double drift_factor(double t_s, double t0_s, double nu);

}  // namespace scx::devices
