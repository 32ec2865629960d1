"""The five benchmark models of /work/shared/BENCHMARK.md, written in eqneuro's language.

Each Case carries what the protocol fixes besides the equations: dt and the input
current I[i] = I_scale * i / (N - 1) + I_offset.  The C references in c_reference/
hard-code the same numbers (one file per model).
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    dt: float
    I_scale: float
    I_offset: float = 0.0
    spiking: bool = True

    def current(self, N):
        """I[i], computed in the same order as c_reference/bench.c (bitwise equal)."""
        return self.I_scale * np.arange(N, dtype=np.float64) / (N - 1) + self.I_offset


LIF = """
neuron LIF:
    parameters:
        C = 1.0
        g_L = 0.1
        V_L = -70.0
        V_T = -50.0
        V_r = -70.0
        I = 0.0
    equations:
        C * dv/dt = -g_L * (v - V_L) + I : init = -70.0
    spike: v > V_T
    reset: v = V_r
    refractory: 2.0
    method: euler
"""

IZHIKEVICH = """
neuron Izhikevich:
    parameters:
        a = 0.02
        b = 0.2
        c = -65.0
        d = 8.0
        I = 0.0
    equations:
        dv/dt = 0.04 * v^2 + 5 * v + 140 - u + I : init = -65.0
        du/dt = a * (b * v - u) : init = -13.0
    spike: v >= 30.0
    reset: v = c; u += d
    method: euler
"""

# spike threshold V_T + 5 * Delta_T, written as the number so that every system
# compares against the same double
ADEX = """
neuron AdEx:
    parameters:
        C = 281.0
        g_L = 30.0
        E_L = -70.6
        V_T = -50.4
        Delta_T = 2.0
        tau_w = 144.0
        a = 4.0
        b = 80.5
        I = 0.0
    equations:
        C * dv/dt = -g_L * (v - E_L) + g_L * Delta_T * exp((v - V_T) / Delta_T) + I - w : init = -70.6
        tau_w * dw/dt = a * (v - E_L) - w : init = 0.0
    spike: v > -40.4
    reset: v = E_L; w += b
    method: euler
"""

# the lecture's form: b_m with /80 (the shipped `hh` model uses /18)
HH = """
neuron HH:
    parameters:
        C = 1.0
        V_L = -59.387
        V_K = -82.0
        V_Na = 45.0
        g_K = 36.0
        g_Na = 120.0
        g_L = 0.3
        I = 0.0
    equations:
        a_n = 0.01 * (v + 60) / (1 - exp(-0.1 * (v + 60)))
        a_m = 0.1 * (v + 45) / (1 - exp(-0.1 * (v + 45)))
        a_h = 0.07 * exp(-0.05 * (v + 70))
        b_n = 0.125 * exp(-0.0125 * (v + 70))
        b_m = 4 * exp(-(v + 70) / 80)
        b_h = 1 / (1 + exp(-0.1 * (v + 40)))
        dn/dt = a_n * (1 - n) - b_n * n : init = 0.3177
        dm/dt = a_m * (1 - m) - b_m * m : init = 0.0529
        dh/dt = a_h * (1 - h) - b_h * h : init = 0.5961
        C * dv/dt = g_L * (V_L - v) + g_K * n^4 * (V_K - v) + g_Na * m^3 * h * (V_Na - v) + I : init = -70.0
    spike: v > 0.0
    refractory: 2.0
    method: euler
"""

RATE = """
neuron Rate:
    parameters:
        tau = 10.0
        I = 0.0
    equations:
        tau * dv/dt + v = I : init = 0.0
        r = max(v, 0)
    method: euler
"""

MODELS = {
    "lif": Case("lif", LIF, dt=0.1, I_scale=4.0),
    "izhikevich": Case("izhikevich", IZHIKEVICH, dt=0.1, I_scale=15.0),
    "adex": Case("adex", ADEX, dt=0.1, I_scale=1000.0),
    "hh": Case("hh", HH, dt=0.01, I_scale=20.0),
    "rate": Case("rate", RATE, dt=0.1, I_scale=2.0, I_offset=-1.0, spiking=False),
}

# size -> (N, steps); HH runs 500 steps at "large"
SIZES = {"small": (1_000, 10_000), "large": (100_000, 1_000), "huge": (1_000_000, 100)}


def size(model, name):
    N, steps = SIZES[name]
    return N, (500 if model == "hh" and name == "large" else steps)
