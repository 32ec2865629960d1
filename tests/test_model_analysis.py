"""Model analysis from the equations: fixed points and their kinds against closed forms,
the rheobase (analytic where a threshold or a saddle-node decides it, else by simulation,
checked against an independent scan of currents), Hopf points, the explicit methods'
stability regions and the dt warning, check_dt's observed orders, phase planes, the CLI."""
import math
import subprocess
import sys
import warnings

import matplotlib
matplotlib.use("Agg")
import numpy as np
import pytest

import eqneuro as eq
from eqneuro.compile.stability import largest_stable_dt

FHN = eq.Neuron("""
neuron FitzHughNagumo:
    parameters:
        a = 0.7; b = 0.8; tau = 12.5; I = 0.0
    equations:
        dv/dt = v - v^3/3 - w + I : init = -1.2
        tau * dw/dt = v + a - b * w : init = -0.6
    spike: v > 1.0
    method: rk4
""")


def _scan(neuron, currents, dt=0.01, duration=1000.0, start=None):
    """Which constant currents make the neuron, from `start`, fire at least twice in the
    second half of `duration` (the rheobase's criterion), all side by side."""
    pop = eq.Population(neuron, len(currents))
    pop.I = np.asarray(currents, dtype=float)
    for name, value in (start or {}).items():
        setattr(pop, name, value)
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=dt).run(duration, progress=False)
    late = np.bincount(spikes.i[spikes.t > duration / 2], minlength=len(currents))
    return late >= 2


def test_lif_fixed_point_and_rheobase_are_exact():
    lif = eq.load("lif")
    (rest,) = eq.fixed_points(lif)
    assert rest.state == {"v": -70.0} and rest.kind == "stable node" and rest.exact
    np.testing.assert_allclose(rest.eigenvalues, [-0.1], rtol=1e-15)
    (above,) = eq.fixed_points(lif, I=5.0)
    assert above.state["v"] == pytest.approx(-20.0) and above.fires
    found = eq.rheobase(lif)
    assert float(found) == 2.0 and found.method == "threshold" and found.exact
    assert float(eq.rheobase(lif, g_L=0.2)) == pytest.approx(4.0, abs=1e-12)


def test_izhikevich_fixed_points_saddle_node_and_hopf_are_the_closed_forms():
    rs = eq.load("izhikevich")
    a, b = 0.02, 0.2
    low, high = eq.fixed_points(rs)              # 0.04 v^2 + 4.8 v + 140 = 0
    assert (low.state["v"], high.state["v"]) == pytest.approx((-70.0, -50.0), abs=1e-12)
    assert low.state["u"] == pytest.approx(b * -70.0, abs=1e-12)
    assert (low.kind, high.kind) == ("stable node", "saddle") and low.exact
    assert [p.kind for p in eq.fixed_points(rs, I=3.9)] == ["unstable focus", "saddle"]
    assert [p.kind for p in eq.fixed_points(rs, I=3.99)] == ["unstable node", "saddle"]
    assert eq.fixed_points(rs, I=4.01) == []
    found = eq.rheobase(rs)
    assert found.saddle_node == pytest.approx(4.0, abs=1e-9)    # where the two points merge
    v_hopf = (a - 5.0) / 0.08                   # trace of the Jacobian is 0
    i_hopf = -(0.04 * v_hopf ** 2 + (5.0 - b) * v_hopf + 140.0)
    assert found.hopf == pytest.approx(i_hopf, abs=1e-9)       # 3.7975 < 4: the rest is lost first
    assert found.method == "simulation" and not found.exact
    assert [p.kind for p in eq.fixed_points(rs, I=i_hopf - 0.01)][0] == "stable focus"
    currents = np.arange(3.70, 3.85, 0.005)
    fires = _scan(rs, currents, start=low.state)
    threshold = currents[np.argmax(fires)]
    assert fires.any() and not fires[0]
    assert abs(float(found) - threshold) <= 0.005 + 1e-9


def test_fitzhugh_nagumo_hopf_point_is_the_closed_form():
    v_hopf = -math.sqrt(1.0 - 0.8 / 12.5)
    i_hopf = (v_hopf + 0.7) / 0.8 - v_hopf + v_hopf ** 3 / 3.0
    (before,) = eq.fixed_points(FHN, I=i_hopf - 1e-3)
    (after,) = eq.fixed_points(FHN, I=i_hopf + 1e-3)
    (at,) = eq.fixed_points(FHN, I=i_hopf)
    assert (before.kind, after.kind, at.kind) == ("stable focus", "unstable focus", "center")
    assert abs(at.eigenvalues.real).max() < 1e-12
    found = eq.rheobase(FHN, duration=400.0, tolerance=1e-3)
    assert found.hopf == pytest.approx(i_hopf, abs=1e-9)


def test_adex_saddle_node_rheobase_is_the_closed_form_and_fires_just_above():
    tonic = eq.load("adex:Tonic")
    C, g_L, E_L, V_T, D, a = 200.0, 10.0, -70.0, -50.0, 2.0, 2.0
    v_fold = V_T + D * math.log(1 + a / g_L)
    i_fold = (g_L + a) * (v_fold - E_L) - g_L * D * math.exp((v_fold - V_T) / D)
    found = eq.rheobase(tonic)
    assert found.method == "saddle-node" and found.exact
    assert float(found) == pytest.approx(i_fold, rel=1e-12)
    rest = eq.fixed_points(tonic, I=0.0)[0].state
    fires = _scan(tonic, [0.98 * i_fold, 1.02 * i_fold], dt=0.05, duration=2000.0, start=rest)
    assert list(fires) == [False, True]


def test_numeric_fixed_points_find_every_root_in_the_domain():
    periodic = eq.Neuron("""
    parameters: k = 1.0
    equations: dv/dt = k * sin(v)
    """)
    points = eq.fixed_points(periodic, domain={"v": (-10.0, 10.0)})
    np.testing.assert_allclose([p.state["v"] for p in points], np.arange(-3, 4) * np.pi,
                               atol=1e-12)
    assert [p.kind for p in points] == ["stable node", "unstable node"] * 3 + ["stable node"]
    assert not any(p.exact for p in points)
    touching = eq.Neuron("""
    equations: dv/dt = (v - 1)^2 * exp(v)
    """)
    (double,) = eq.fixed_points(touching, domain={"v": (-5.0, 5.0)})
    assert double.state["v"] == pytest.approx(1.0, abs=1e-5) and double.kind == "degenerate"
    adex = eq.load("adex")
    for point in eq.fixed_points(adex):
        f = [(-30.0 * (point.state["v"] + 70.6) + 60.0 * math.exp((point.state["v"] + 50.4) / 2)
              - point.state["w"]) / 281.0, (4.0 * (point.state["v"] + 70.6) - point.state["w"])]
        assert max(map(abs, f)) < 1e-10
    assert [p.kind for p in eq.fixed_points(adex)] == ["stable node", "saddle"]


def test_hh_rest_and_rheobase_against_a_scan_of_currents():
    hh = eq.load("hh")
    (rest,) = eq.fixed_points(hh)
    assert abs(rest.state["v"] + 70.0) < 0.01 and rest.kind == "stable"
    found = eq.rheobase(hh, tolerance=1e-3)
    assert found.method == "simulation" and 9.7 < found.hopf < 9.85
    currents = np.arange(5.9, 6.6, 0.01)
    fires = _scan(hh, currents, start=rest.state)
    assert fires.any() and not fires[0]
    assert abs(float(found) - currents[np.argmax(fires)]) <= 0.02


def test_stability_regions_of_the_explicit_methods():
    assert largest_stable_dt("euler", -4.0) == pytest.approx(0.5)
    assert largest_stable_dt("midpoint", -1.0) == pytest.approx(2.0)
    assert largest_stable_dt("rk4", -1.0) == pytest.approx(2.785293563405282, rel=1e-9)
    lam = -1.0 + 3.0j                            # Euler: |1 + h lam| = 1 at h = -2 Re/|lam|^2
    assert largest_stable_dt("euler", lam) == pytest.approx(2.0 / 10.0)
    assert math.isinf(largest_stable_dt("euler", 0.5)) and \
        math.isinf(largest_stable_dt("implicit", -1e6))


def test_a_stiff_model_warns_at_an_unstable_dt_and_not_at_a_safe_one():
    stiff = eq.Neuron("""
    parameters: tau = 0.04; I = 1.0
    equations: tau * dv/dt = -v + I
    method: euler
    """)
    pop = eq.Population(stiff, 4)
    with pytest.warns(eq.StabilityWarning, match=r"'v'.*eigenvalue -25.*largest stable dt "
                                                 r"for euler is 0\.08 ms.*rk4"):
        eq.Network(pop, dt=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", eq.StabilityWarning)
        eq.Network(pop, dt=0.079)
        eq.Network(eq.Population(eq.load("lif"), 2), dt=0.1)


def test_check_dt_measures_the_order_of_each_method():
    text = """
    parameters: tau = 10.0; I = 1.0
    equations: tau * dv/dt = -v + I : init = 0.0
    """
    for method, order in (("euler", 1), ("heun", 2), ("rk4", 4)):
        report = eq.Neuron(text, method=method).check_dt(0.5, 50.0)
        assert report.order == pytest.approx(order, abs=0.1), (method, report)
        assert report.spikes == (0, 0, 0) and math.isnan(report.spike_drift)
    spiking = eq.load("izhikevich").check_dt(0.1, 100.0, I=10.0)
    assert spiking.spikes[0] > 0 and spiking.spike_drift > 0
    assert "observed order" in str(spiking)


def test_phase_plane_draws_nullclines_and_fixed_points(tmp_path):
    import matplotlib.pyplot as plt
    from eqneuro.analysis.phase import phase_plane_data
    plane = phase_plane_data(eq.load("izhikevich"), "v", "u", {"I": 2.0})
    ((xs, ys),) = plane.nullcline("v", (-80.0, 30.0), (-20.0, 10.0))
    np.testing.assert_allclose(ys, 0.04 * xs ** 2 + 5 * xs + 140 + 2.0, rtol=1e-12)
    assert [p.kind for p in plane.fixed_points] == ["stable node", "saddle"]
    figure, axes = plt.subplots(1, 3)
    eq.plot.phase_plane(eq.load("izhikevich"), "v", "u", ax=axes[0], trajectory=100.0, I=10.0,
                        xlim=(-80, 35), ylim=(-20, 10))
    eq.plot.phase_plane(eq.load("adex:Adapting"), "v", "w", ax=axes[1], I=0.0)
    held = eq.plot.phase_plane(eq.load("hh"), "v", "n", ax=axes[2], xlim=(-80, 40),
                               ylim=(0.2, 0.8))
    hh_rest = phase_plane_data(eq.load("hh"), "v", "n", {})      # m, h held at the rest
    ((v, n),) = [(p.state["v"], p.state["n"]) for p in hh_rest.fixed_points]
    assert (v, n) == pytest.approx((-69.9964, 0.317732), abs=1e-4)
    kind = hh_rest.fixed_points[0].kind
    assert kind in ("stable node", "stable focus") and \
        any(line.get_label() == kind for line in held.lines)
    figure.savefig(tmp_path / "planes.png")
    plt.close(figure)
    hh_plane = phase_plane_data(eq.load("hh"), "v", "n", {"m": 0.05})
    assert hh_plane.held["m"] == 0.05 and set(hh_plane.held) == {"m", "h"}


def test_errors_are_clear():
    lif = eq.load("lif")
    with pytest.raises(ValueError, match="not a parameter of 'LIF'.*g_L"):
        eq.fixed_points(lif, gL=0.1)
    with pytest.raises(ValueError, match="'v' is a state variable"):
        eq.fixed_points(lif, v=3.0)
    with pytest.raises(TypeError, match="I must be a number"):
        eq.fixed_points(lif, I="5")
    with pytest.raises(ValueError, match="domain"):
        eq.fixed_points(lif, domain={"v": (1.0, -1.0)})
    with pytest.raises(ValueError, match="no spike condition"):
        eq.rheobase(eq.load("rate"))
    with pytest.raises(ValueError, match="not a parameter"):
        eq.rheobase(lif, current="J")
    with pytest.raises(ValueError, match="searched for"):
        eq.rheobase(lif, I=1.0)
    driven = eq.Neuron("equations: dv/dt = -v + sin(t)")
    with pytest.raises(ValueError, match="depend on t"):
        eq.fixed_points(driven)
    with pytest.raises(ValueError, match="'x' is not a state variable"):
        eq.plot.phase_plane(eq.load("izhikevich"), "v", "x")


def test_cli_analyse_prints_fixed_points_and_rheobase():
    out = subprocess.run([sys.executable, "-m", "eqneuro", "analyse", "lif"],
                         capture_output=True, text=True, check=True).stdout
    assert "v = -70: stable node" in out and "rheobase (I): 2 by threshold (exact)" in out
    out = subprocess.run([sys.executable, "-m", "eqneuro", "analyse", "izhikevich",
                          "--set", "I=3.9"], capture_output=True, text=True)
    assert out.returncode == 0 and "unstable focus" in out.stdout and "saddle" in out.stdout


def test_the_automatic_choice_avoids_rk4_where_it_is_unstable_at_the_default_dt():
    text = """
    parameters: tau = {tau}
    equations:
        tau * dv/dt = -v + w^2 : init = 0.1
        dw/dt = -w * v : init = 0.2
    """
    assert eq.Neuron(text.format(tau=0.02)).method == "exponential"   # rk4: dt < 0.0557 ms
    assert eq.Neuron(text.format(tau=10.0)).method == "rk4"
    assert eq.Neuron(text.format(tau=0.02), method="rk4").method == "rk4"   # as asked
    with pytest.warns(eq.StabilityWarning, match="rk4 at dt = 0.1 ms"):
        eq.Network(eq.Population(eq.Neuron(text.format(tau=0.02), method="rk4"), 1))


def test_review_cases_of_the_fixed_point_search():
    """Cases found by a review: a variable whose own rate can vanish is not eliminated
    (Lotka-Volterra's centre was lost), jumps and poles are not roots, flat stretches do not
    make a minimum search at every grid point, and an exact saddle-node is degenerate."""
    lotka = eq.Neuron("""
    parameters: alpha = 1.0; beta = 0.5; delta = 0.2; gamma = 0.6
    equations:
        dx/dt = x * (alpha - beta * y)
        dy/dt = y * (delta * x - gamma)
    """)
    points = eq.fixed_points(lotka, domain={"x": (-10, 10), "y": (-10, 10)})
    assert [(round(p.state["x"], 9), round(p.state["y"], 9), p.kind) for p in points] == \
        [(0.0, 0.0, "saddle"), (3.0, 2.0, "center")]
    jump = eq.Neuron("equations: dv/dt = -v + 2*heaviside(v - 1)")
    assert [p.state["v"] for p in eq.fixed_points(jump, domain={"v": (-10, 10)})] == \
        pytest.approx([0.0, 2.0])
    pole = eq.Neuron("equations: dv/dt = tan(v)")
    assert [p.state["v"] for p in eq.fixed_points(pole, domain={"v": (-3, 3)})] == [0.0]
    (flat,) = eq.fixed_points(eq.Neuron("equations: dv/dt = tanh(v) - 0.5"))
    assert flat.state["v"] == pytest.approx(math.atanh(0.5), abs=1e-12)
    tonic = eq.load("adex:tonic")
    fold = float(eq.rheobase(tonic))
    assert [p.kind for p in eq.fixed_points(tonic, I=fold)] == ["degenerate"]


def test_review_cases_of_the_dt_checks():
    stiff = eq.Neuron("""
    parameters: tau = 0.04; I = 1.0
    equations: tau * dv/dt = -v + I
    method: euler
    """)
    net = eq.Network(eq.Population(stiff, 1), dt=0.01)
    with pytest.warns(eq.StabilityWarning, match="euler at dt = 0.1 ms"):
        net.dt = 0.1
    with pytest.warns(eq.StabilityWarning):
        report = stiff.check_dt(0.1, 5.0)
    assert report.diverged and math.isnan(report.order) and "unstable" in str(report)
    noisy = eq.Neuron("parameters: tau = 10.0\nequations: tau * dv/dt = -v + xi")
    with pytest.raises(ValueError, match="white noise"):
        noisy.check_dt(0.1, 10.0)
    driven = eq.Neuron("""
    parameters: I = 0.0
    equations:
        10 * dv/dt = -v + I + sum(exc) - w
        100 * dw/dt = -w
    spike: v > 1
    reset: v = 0
    """)
    assert float(eq.rheobase(driven, **{"sum(exc)": 0.25})) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="input sum"):     # no projection gives it alone
        eq.plot.phase_plane(driven, "v", "w", trajectory=10.0, **{"sum(exc)": 0.25})
