"""Binding a synapse to the pre and post neurons of a projection (lang/binding.py): which
side each name means, the errors that need the neurons, targets and default synapses."""
import pytest

import eqneuro as eq
from eqneuro.errors import Source
from eqneuro.lang.binding import (Binding, NeuronNames, SideName, bind, check_target,
                                  default_continuous_synapse, default_continuous_text,
                                  default_event_synapse, default_event_text, names_of)
from eqneuro.synapse import Synapse

COBA = eq.Neuron("""
    neuron COBA:
        parameters:
            tau = 20.0
            E_exc = 0.0
            tau_e = 5.0
            g_max = 3.0 : shared
            I = 0.0
        equations:
            tau * dv/dt = -v + g_exc * (E_exc - v) + I + sum(gap)
            tau_e * dg_exc/dt = -g_exc
            r = pos(v)
        spike: v > -50
        reset: v = -60
""")
POST = names_of(COBA.info)
PRE = names_of(eq.load("lif").info)
RATE = names_of(eq.load("rate").info)


def sides(binding: Binding) -> dict[str, tuple[str, str]]:
    return {n.written: (n.side, n.name) for n in binding.names}


def error_of(synapse: str, pre=PRE, post=POST, target=None) -> eq.ModelError:
    with pytest.raises(eq.ModelError) as caught:
        bind(Synapse(synapse).info, pre, post, target)
    return caught.value


def test_names_of_a_neuron():
    assert POST == NeuronNames(
        "COBA", ("v", "g_exc"), (("tau", False), ("E_exc", False), ("tau_e", False),
                                 ("g_max", True), ("I", False)), ("r",), ("gap",), True, "rk4", ())
    assert PRE.has_spike and not RATE.has_spike and RATE.derived == ("r",)
    assert POST.kind_of("g_max") == "shared parameter" and POST.kind_of("r") == "derived"
    assert POST.kind_of("nothing") is None


def test_the_synapse_first_then_the_post_neuron_then_the_suffixes():
    synapse = Synapse("""
        parameters:
            tau = 3.0           # the synapse's own: wins over the post neuron's tau
            tau_pre = 1.5       # written whole: the synapse's, not the pre neuron's tau
        on_pre:
            g_exc += w * (E_exc - v_post) / tau
            I = I + v_pre * tau_pre + g_exc_post * t / dt
    """)
    binding = bind(synapse.info, PRE, POST, None)
    assert sides(binding) == {
        "g_exc": ("post", "g_exc"), "w": ("synapse", "w"), "E_exc": ("post", "E_exc"),
        "v_post": ("post", "v"), "tau": ("synapse", "tau"), "I": ("post", "I"),
        "v_pre": ("pre", "v"), "tau_pre": ("synapse", "tau_pre"),
        "g_exc_post": ("post", "g_exc"), "t": ("time", "t"), "dt": ("time", "dt")}
    assert list(sides(binding)) == ["g_exc", "w", "E_exc", "v_post", "tau", "I", "v_pre",
                                    "tau_pre", "g_exc_post", "t", "dt"]     # first use first
    assert binding.assigned == (SideName("g_exc", "post", "g_exc"), SideName("I", "post", "I"))
    assert binding.of("v_pre") == SideName("v_pre", "pre", "v")
    assert binding.event and not binding.continuous and binding.target is None


def test_a_post_variable_named_with_a_suffix_is_the_post_neuron_s():
    post = NeuronNames("Odd", ("v", "v_pre"), (), (), (), True)
    binding = bind(Synapse("on_pre: v += w * v_pre").info, PRE, post, None)
    assert sides(binding)["v_pre"] == ("post", "v_pre")


def test_a_per_synapse_parameter_and_a_per_neuron_post_parameter_may_be_assigned():
    binding = bind(Synapse("parameters: x = 0.0\non_pre: x += 1; I += w").info, PRE, POST,
                   None)
    assert binding.assigned == (SideName("x", "synapse", "x"), SideName("I", "post", "I"))


def test_continuous_transmission_into_sum_of_the_target():
    gap = eq.load("gap_junction")
    binding = bind(gap.info, PRE, POST, "gap")
    assert sides(binding) == {"w": ("synapse", "w"), "v_pre": ("pre", "v"),
                              "v_post": ("post", "v")}
    assert binding.continuous and not binding.event and binding.target == "gap"
    with pytest.raises(ValueError, match="has a psp, which is added into the post "
                                         r"neuron's sum\(T\): give the projection a target="):
        bind(gap.info, PRE, POST, None)
    with pytest.raises(ValueError, match=r"never reads sum\(exc\)"):
        bind(gap.info, PRE, POST, "exc")


@pytest.mark.parametrize("synapse, position, message, hint", [
    ("on_pre: g_exx += w", (1, 9), "unknown name 'g_exx': neither a parameter of synapse "
     "'Synapse' nor a name of the post neuron 'COBA'", "did you mean 'g_exc'?"),
    ("on_pre: g_exc += w * scale", (1, 22), "unknown name 'scale'", "known here:"),
    ("on_pre: g_exc += w * E_ecx", (1, 22), "unknown name 'E_ecx'", "did you mean 'E_exc'?"),
    ("on_pre: g_target += w", (1, 9), "unknown name 'g_target'", "ANNarchy's g_target"),
    ("psp: w * r_pre", (1, 10), "the pre neuron 'LIF' has no variable 'r'",
     "'LIF' has: v, C, g_L, V_L, V_T, V_r, I"),
    ("on_pre: g_exc += w * V_t_pre", (1, 22), "the pre neuron 'LIF' has no variable 'V_t'",
     "did you mean 'V_T'?"),
    ("on_pre: u_post += w", (1, 9), "the post neuron 'COBA' has no variable 'u'", "has: v"),
    ("on_pre: v_pre += w", (1, 9), "cannot assign 'v_pre': a synapse cannot change its "
     "presynaptic neuron", "on_pre changes the post neuron"),
    ("on_pre: g_max += w", (1, 9), "cannot assign 'g_max': it is a parameter of 'COBA' "
     "shared by the whole post population", "remove ': shared'"),
    ("on_pre: r = w", (1, 9), "cannot assign 'r': it is a derived variable of 'COBA' (it "
     "follows the state)", "change the state variables"),
    ("on_pre:\n    v += w\n    v_post -= 1", (3, 5), "'v_post' and 'v' are the same variable, "
     "assigned twice in on_pre", "first on line 2"),
])
def test_binding_errors_point_into_the_synapse_text(synapse, position, message, hint):
    error = error_of(synapse)
    assert (error.line, error.column) == position, str(error)
    assert error.message.startswith(message)
    assert hint in error.hint
    assert error.source.text == Synapse(synapse).text


def test_a_synapse_with_on_pre_needs_a_spiking_pre_neuron():
    error = error_of("parameters: a = 1\non_pre: g_exc += w", pre=RATE)
    assert (error.line, error.column, error.span.length) == (2, 1, 6)
    assert error.message == ("on_pre runs at each spike of the pre neuron, but 'Rate' has "
                             "no spike condition: the pre population never spikes")
    assert "psp: w * r_pre" in error.hint
    # the rate neuron's r feeds a continuous synapse
    binding = bind(default_continuous_synapse(), RATE, POST, "gap")
    assert sides(binding)["r_pre"] == ("pre", "r")


def test_errors_name_the_file_of_the_synapse(tmp_path):
    path = tmp_path / "syn.eqn"
    path.write_text("synapse S:\n    on_pre: g_exx += w\n")
    with pytest.raises(eq.ModelError) as caught:
        bind(eq.load(str(path)).info, PRE, POST, None)
    assert str(caught.value).startswith(f"{path}:2:13: unknown name 'g_exx'")


# ---- targets --------------------------------------------------------------------------

def test_check_target_accepts_what_the_post_neuron_uses():
    check_target(POST, "exc", event=True)          # g_exc, a state variable
    check_target(POST, "gap", event=False)         # sum(gap)
    check_target(NeuronNames("P", (), (("g_inh", False),), ()), "inh", event=True)


@pytest.mark.parametrize("post, target, event, message", [
    (POST, "inh", True, "post neuron 'COBA' does not use target 'inh': it has no variable "
     "'g_inh' (looked for g_inh and sum(inh); it has sum(gap), g_exc)"),
    (POST, "gap", True, "it has no variable 'g_gap'; it reads sum(gap), which takes "
     "continuous transmission (a rate-coded pre population, or a synapse with psp)"),
    (POST, "exc", False, "it never reads sum(exc); it has 'g_exc', which the spikes of a "
     "spiking pre population change (looked for g_exc and sum(exc)"),
    (NeuronNames("D", ("v",), (), ("g_x",)), "x", True, "'g_x' is a derived variable, which "
     "spikes cannot change"),
    (NeuronNames("S", ("v",), (("g_x", True),), ()), "x", True, "'g_x' is a shared "
     "parameter"),
    (RATE, "exc", False, "post neuron 'Rate' does not use target 'exc': it never reads "
     "sum(exc) (looked for g_exc and sum(exc); it has no inputs and no g_ variables)"),
])
def test_a_target_the_post_neuron_never_uses(post, target, event, message):
    with pytest.raises(ValueError) as caught:
        check_target(post, target, event)
    assert message in str(caught.value)


@pytest.mark.parametrize("target", ["", "1x", "a b", None, 3])
def test_a_target_is_a_name(target):
    with pytest.raises(ValueError, match="target must be a name such as 'exc'"):
        check_target(POST, target, event=True)
    with pytest.raises(ValueError, match="target must be a name"):
        default_event_synapse(target)


# ---- default synapses -----------------------------------------------------------------

@pytest.mark.parametrize("target", ["exc", "inh", "a", "E_2"])
def test_the_default_event_synapse_is_the_synapse_of_its_text(target):
    info = default_event_synapse(target)
    assert info == Synapse(default_event_text(target), name="DefaultEvent").info
    assert default_event_text(target) == f"on_pre: g_{target} += w\n"
    assert info.source == Source(default_event_text(target))
    assert Synapse._from_info(info) == Synapse(default_event_text(target), name="DefaultEvent")
    assert str(Synapse._from_info(info)).endswith(f"on_pre: g_{target} += w")


def test_the_default_continuous_synapse_is_the_synapse_of_its_text():
    info = default_continuous_synapse()
    assert default_continuous_text() == "psp: w * r_pre\n"
    assert info == Synapse(default_continuous_text(), name="DefaultContinuous").info
    assert Synapse._from_info(info).parameters == {"w": 1.0}


def test_the_default_event_synapse_binds_to_the_target_variable():
    binding = bind(default_event_synapse("exc"), PRE, POST, "exc")
    assert binding.assigned == (SideName("g_exc", "post", "g_exc"),)
    with pytest.raises(eq.ModelError, match="unknown name 'g_inh'"):
        bind(default_event_synapse("inh"), PRE, POST, "inh")
