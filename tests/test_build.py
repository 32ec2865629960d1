"""Build cache: warm hits build nothing, concurrent cold builds are safe, failures are clear."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import eqneuro as eq
from eqneuro.compile.build import build, module_name
from eqneuro.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys, time
import eqneuro as eq
start = time.perf_counter()
neuron = eq.Neuron("parameters: tau = {tau}\\nequations: tau*dv/dt + v = 1\\n")
pop = eq.Population(neuron, 10)
net = eq.Network(pop, dt=0.1)
net.run(1.0)
print(json.dumps({{"hit": net.cache_hits, "v": float(pop.v[0]),
                  "seconds": time.perf_counter() - start, "sympy": "sympy" in sys.modules}}))
"""


def run_script(cache: Path, tau: float) -> subprocess.Popen:
    env = dict(os.environ, EQNEURO_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", SCRIPT.format(tau=tau)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def result(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_second_process_builds_nothing(tmp_path):
    first = result(run_script(tmp_path, 12.5))
    assert first["hit"] == 0
    built = sorted(p.name for p in tmp_path.glob("*.so"))
    second = result(run_script(tmp_path, 12.5))
    assert second["hit"] == 1
    assert first["sympy"] and not second["sympy"]      # the warm path skips analysis
    assert sorted(p.name for p in tmp_path.glob("*.so")) == built
    assert second["v"] == first["v"]


def test_concurrent_cold_builds_all_succeed(tmp_path):
    processes = [run_script(tmp_path, 7.25) for _ in range(3)]
    results = [result(p) for p in processes]
    assert len({r["v"] for r in results}) == 1
    assert len(list(tmp_path.glob("*.so"))) == 1
    assert not list(tmp_path.glob("*.*/"))        # no leftover work directories


def test_cache_key_covers_source_and_flags(monkeypatch):
    a = module_name("source A")
    assert module_name("source B") != a
    monkeypatch.setenv("EQNEURO_CFLAGS", "-DEXTRA")
    assert module_name("source A") != a


def test_build_failure_is_a_build_error_with_the_log(tmp_path):
    with pytest.raises(BuildError) as caught:
        build("cdef int broken(:\n", directory=tmp_path)
    assert "Cython failed" in str(caught.value)
    assert caught.value.pyx_path and Path(caught.value.pyx_path).exists()


def test_missing_compiler_names_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("CC", "no-such-compiler-eqneuro")
    with pytest.raises(BuildError, match="install gcc"):
        build("def f():\n    return 1\n", directory=tmp_path)


def test_no_cache_switch_rebuilds(tmp_path, monkeypatch):
    source = "def f():\n    return 41\n"
    assert build(source, directory=tmp_path).cache_hit is False
    assert build(source, directory=tmp_path).cache_hit is True
    monkeypatch.setenv("EQNEURO_NO_CACHE", "1")
    assert build(source, directory=tmp_path).cache_hit is False


def test_generated_identifiers_never_collide_with_c_names():
    text = """
        parameters: int = 2.0; double = 1.0; exp = 3.0; i = 0.5; n = 1.0; _x = 1.0
        equations:
            dv/dt = -int*v + double + exp*i + n*_x + exp(-v)
            lambda = v + 1
        spike: lambda > 100
    """
    pop = eq.Population(eq.Neuron(text, method="euler"), 3)
    trace = eq.StateMonitor(pop, ["v", "lambda"], record=[0])
    eq.Network(pop, trace, dt=0.1).run(1.0)
    v = 0.0
    for _ in range(10):
        v = v + 0.1 * (-2 * v + 1 + 1.5 + 1 + __import__("math").exp(-v))
    assert pop.v[0] == pytest.approx(v, rel=1e-12)
    assert trace.__getattr__("lambda")[-1, 0] == pytest.approx(trace.v[-1, 0] + 1)


NETWORK_SCRIPT = """
import json, sys
import numpy as np
import eqneuro as eq
lif = eq.Neuron('''
    parameters: tau = 10.0; Vt = -50.0; I = 16.0
    equations:
        tau*dv/dt = -(v + 65) + g_exc + I + sum(gap) : init = -65
        dg_exc/dt = -g_exc/5
    spike: v > Vt
    reset: v = -65
''')
pop = eq.Population(lif, {n})
pop.v = np.linspace(-65, -51, {n})
syn = eq.Projection(pop, pop, target="exc", w=0.5, delay=1.0)
syn.connect(p=0.2, seed=1)
syn.w = np.linspace(0.1, 1.0, len(syn))
gap = eq.Projection(pop, pop, target="gap", psp="w * (v_pre - v_post)", w=0.01)
gap.connect(one_to_one=True)
spikes = eq.SpikeMonitor(pop)
net = eq.Network(pop, syn, gap, spikes, dt=0.1)
net.run(20.0)
print(json.dumps({{"hit": net.cache_hits, "spikes": len(spikes.i), "v": pop.v.tolist(),
                  "sympy": "sympy" in sys.modules}}))
"""


def test_a_network_with_projections_starts_warm_without_sympy(tmp_path):
    """The kernel's key is the structure: a second process, and other sizes and weights,
    load it without analysis or compilation."""
    env = dict(os.environ, EQNEURO_CACHE_DIR=str(tmp_path), PYTHONPATH=str(ROOT))

    def run(n):
        process = subprocess.Popen([sys.executable, "-c", NETWORK_SCRIPT.format(n=n)], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return result(process)

    first = run(40)
    built = sorted(p.name for p in tmp_path.glob("*.so"))
    second, other = run(40), run(70)
    assert first["hit"] == 0 and first["sympy"]
    for warm in (second, other):
        assert warm["hit"] == 1 and not warm["sympy"]
    assert sorted(p.name for p in tmp_path.glob("*.so")) == built
    assert second["v"] == first["v"] and second["spikes"] == first["spikes"] > 0
