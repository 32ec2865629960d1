"""eq.Synapse: text and keyword forms, the SymPy-free SynapseInfo and the SynapseModel,
variants, the model cache (a warm start without SymPy) and the shipped synapse files."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import sympy

import eqneuro as eq
from eqneuro.errors import Source
from eqneuro.evaluate import evaluate
from eqneuro.functions import symbol
from eqneuro.lang.model import ParameterSpec, ResetAssignment
from eqneuro.lang.synapse_info import Statement, info_from_record, info_record
from eqneuro.synapse import Synapse

EXC = """
    synapse Exc:
        parameters:
            tau = 2.0 : shared
        on_pre:
            g_exc += w
            x = x * 0.5 + w / tau; y -= 1
        psp: w * r_pre
"""


def test_info_holds_parameters_statements_psp_and_every_name_as_written():
    info = Synapse(EXC).info
    assert info.name == "Exc"
    assert info.parameters == (("w", 1.0, False), ("tau", 2.0, True))
    assert info.shared == ("tau",) and info.event and info.continuous
    assert info.on_pre == (
        Statement("g_exc", "+=", ("add", ("sym", "g_exc"), ("sym", "w")), (6, 9),
                  (("w", 6, 18),)),
        Statement("x", "=", info.on_pre[1].value, (7, 9),
                  (("x", 7, 13), ("w", 7, 23), ("tau", 7, 27))),
        Statement("y", "-=", ("add", ("num", -1.0), ("sym", "y")), (7, 32), ()))
    assert info.psp == ("mul", ("sym", "r_pre"), ("sym", "w"))
    assert info.reads == (("g_exc", 6, 9), ("w", 6, 18), ("x", 7, 9), ("x", 7, 13),
                          ("w", 7, 23), ("tau", 7, 27), ("y", 7, 32), ("w", 8, 10),
                          ("r_pre", 8, 14))
    assert info.psp_reads == (("w", 8, 10), ("r_pre", 8, 14))
    assert (info.on_pre_span, info.psp_span) == ((5, 5), (8, 5))
    assert info.source == Source(textwrap.dedent(EXC).rstrip() + "\n")


def test_statement_trees_hold_the_new_value_of_every_operator():
    synapse = Synapse("on_pre: a = w; b += w; c -= w; d *= w; e /= w\n")
    values = {"a": 3.0, "b": 3.0, "c": 3.0, "d": 3.0, "e": 3.0, "w": 2.0}
    new = [evaluate(s.value, values) for s in synapse.info.on_pre]
    assert new == [2.0, 5.0, 1.0, 6.0, 1.5]
    assert [s.operator for s in synapse.info.on_pre] == ["=", "+=", "-=", "*=", "/="]


def test_the_model_holds_sympy_expressions_over_the_written_names():
    model = Synapse(EXC).model
    w, tau, x = symbol("w"), symbol("tau"), symbol("x")
    assert model.name == "Exc"
    assert model.parameters == (ParameterSpec("w", 1.0, False), ParameterSpec("tau", 2.0, True))
    assert model.on_pre[0] == ResetAssignment("g_exc", symbol("g_exc") + w, "+=")
    assert sympy.simplify(model.on_pre[1].value - (x / 2 + w / tau)) == 0
    assert model.psp == w * symbol("r_pre")
    assert model.state == () and model.on_post == ()        # plasticity: later


def test_public_attributes():
    synapse = Synapse(EXC, file="exc.eqn")
    assert synapse.name == "Exc" and synapse.parameters == {"w": 1.0, "tau": 2.0}
    assert synapse.shared == ("tau",) and synapse.file == "exc.eqn"
    assert synapse.text == textwrap.dedent(EXC).rstrip() + "\n"      # line numbers kept
    assert synapse.info.source.file == "exc.eqn"
    assert str(synapse) == ("synapse Exc\n  parameters:\n    w = 1.0\n    tau = 2.0  (shared)\n"
                            "  on_pre: g_exc += w; x = x*0.5 + w/tau; y -= 1\n"
                            "  psp: w*r_pre")
    assert repr(synapse) == "<Synapse Exc: on_pre and psp; parameters w, tau>"


def test_the_weight_is_always_a_parameter():
    assert Synapse("on_pre: v += w").parameters == {"w": 1.0}
    assert Synapse("parameters: w = 0.25\non_pre: v += w").parameters == {"w": 0.25}
    shared = Synapse("parameters: a = 2.0; w = 0.5 : shared\npsp: w * r_pre")
    assert shared.info.parameters == (("a", 2.0, False), ("w", 0.5, True))


def test_keyword_form_equals_text_form():
    by_keywords = Synapse(parameters="tau = 2.0 : shared", on_pre="""
        g_exc += w
        x = x * 0.5 + w / tau; y -= 1
    """, psp="w * r_pre", name="Exc")
    by_text = Synapse(EXC)
    assert str(by_keywords) == str(by_text)
    assert by_keywords.info.parameters == by_text.info.parameters
    assert [(s.target, s.operator, s.value) for s in by_keywords.info.on_pre] == \
        [(s.target, s.operator, s.value) for s in by_text.info.on_pre]
    assert Synapse(psp="w * r_pre").name == "Synapse"
    assert by_keywords.text == ("synapse Exc:\n    parameters: tau = 2.0 : shared\n"
                                "    on_pre:\n        g_exc += w\n"
                                "        x = x * 0.5 + w / tau; y -= 1\n    psp: w * r_pre\n")


@pytest.mark.parametrize("call, error, message", [
    (lambda: Synapse(), ValueError, r"Synapse\(\) needs a model text or at least on_pre"),
    (lambda: Synapse(on_pre=3), TypeError, r"Synapse\(on_pre=...\) must be a string, not int"),
    (lambda: Synapse(42), TypeError, r"Synapse\(text\) needs a string, not int"),
    (lambda: Synapse("on_pre: v += w", psp="w"), TypeError, "not both"),
    (lambda: Synapse(on_pre="v += w", name="no name"), ValueError, "must be an identifier"),
    (lambda: Synapse(on_pre="v += w", name=3), TypeError, "name must be a string"),
])
def test_keyword_form_rejects_wrong_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_file_with_neurons_and_synapses():
    text = "neuron A:\n    equations: dv/dt = -v\nsynapse S:\n    on_pre: v += w\n" \
           "synapse T:\n    psp: w * r_pre\n"
    assert Synapse(text).name == "S" and Synapse(text, name="t").name == "T"
    assert eq.Neuron(text).name == "A"
    with pytest.raises(eq.ModelError) as caught:
        Synapse(text, name="A")
    assert caught.value.message == "'A' is a neuron, not a synapse"
    assert "eq.Neuron(text, name='A')" in caught.value.hint
    with pytest.raises(eq.ModelError, match="this model declares no synapse"):
        Synapse("neuron A:\n    equations: dv/dt = -v\n")
    with pytest.raises(eq.ModelError, match="no synapse named 'U'"):
        Synapse(text, name="U")


def test_variants_extend_a_synapse():
    text = textwrap.dedent(EXC) + textwrap.dedent("""
        synapse Strong extends Exc:
            parameters: w = 2.0
        synapse Other extends Strong:
            on_pre: h += w
    """)
    strong, other = Synapse(text, name="Strong"), Synapse(text, name="Other")
    assert strong.parameters == {"tau": 2.0, "w": 2.0}
    assert strong.info.on_pre == Synapse(text).info.on_pre           # inherited as written
    assert strong.info.on_pre_span == (5, 5)                          # in the base
    assert [s.target for s in other.info.on_pre] == ["h"]
    assert other.info.on_pre_span == (13, 5) and other.info.psp_span == (8, 5)
    assert other.parameters == {"tau": 2.0, "w": 2.0}


def test_the_record_round_trips():
    info = Synapse(EXC).info
    import json
    assert info_from_record(json.loads(json.dumps(info_record(info))), info.source) == info


def test_a_second_construction_reads_the_model_cache(monkeypatch):
    first = Synapse(EXC)
    import eqneuro.synapse as module

    def no_analysis(*args):
        raise AssertionError("analysed again")
    monkeypatch.setattr(module, "_analyse", no_analysis)
    second = Synapse(EXC)
    assert second.info == first.info and str(second) == str(first) and second == first
    assert hash(second) == hash(first)


def test_a_synapse_and_a_neuron_of_the_same_text_do_not_share_a_record():
    text = "neuron A:\n    equations: dv/dt = -v\n    spike: v > 1\n" \
           "synapse S:\n    on_pre: v += w\n"
    assert eq.Neuron(text).name == "A" and Synapse(text).name == "S"
    assert eq.Neuron(text).name == "A" and Synapse(text).name == "S"      # warm


WARM_START = """
import sys
import eqneuro as eq
from eqneuro.synapse import Synapse
from eqneuro.lang.binding import bind, default_event_synapse, names_of
lif = eq.load("lif")
coba = eq.Neuron('''
    parameters: tau = 20.0; tau_e = 5.0
    equations:
        tau * dv/dt = -v + g_exc * (1 - v) + sum(gap)
        tau_e * dg_exc/dt = -g_exc
    spike: v > 0.5
    reset: v = 0
''')
pre, post = names_of(lif.info), names_of(coba.info)
exc = Synapse("parameters: scale = 2.0 : shared\\non_pre: g_exc += w * scale")
gap = eq.load("gap_junction")
bound = [bind(exc.info, pre, post, None), bind(gap.info, pre, post, "gap"),
         bind(default_event_synapse("exc"), pre, post, None)]
print(coba.info.inputs, [n.side for n in bound[1].names], str(exc).splitlines()[-1])
print("sympy" in sys.modules)
"""


def test_a_warm_start_constructs_and_binds_without_sympy(tmp_path):
    env = {"EQNEURO_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.run([sys.executable, "-c", WARM_START], capture_output=True, text=True,
                           env=env, timeout=300) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
    cold, warm = (run.stdout.splitlines() for run in runs)
    assert cold[0] == warm[0] == \
        "('gap',) ['synapse', 'pre', 'post']   on_pre: g_exc += w*scale"
    assert cold[1] == "True" and warm[1] == "False"


# ---- shipped synapses -----------------------------------------------------------------

SHIPPED = {"VoltageJump": ("v", "+=", None), "Excitatory": ("g_exc", "+=", None),
           "Inhibitory": ("g_inh", "+=", None), "RateCoded": (None, None, ("r_pre", "w")),
           "GapJunction": (None, None, ("v_pre", "v_post", "w"))}


def test_shipped_synapses_load_by_name():
    from eqneuro.library import shipped_synapses
    assert shipped_synapses() == {"synapses": tuple(SHIPPED),
                                  "plasticity": ("STDP", "Triplet", "TsodyksMarkram")}
    assert "synapses" not in eq.shipped_models()             # `eqneuro list` shows neurons
    for name, (target, operator, reads) in SHIPPED.items():
        for spelled in (name, name.lower(), f"synapses.{name}",
                        "".join("_" + c.lower() if c.isupper() else c for c in name)[1:]):
            synapse = eq.load(spelled)
            assert isinstance(synapse, Synapse) and synapse.name == name
        info = synapse.info
        if target is not None:
            assert [(s.target, s.operator) for s in info.on_pre] == [(target, operator)]
        else:
            assert {use[0] for use in info.psp_reads} == set(reads) and not info.on_pre
    assert eq.load("synapses").name == "VoltageJump"           # the file's first
    assert eq.load("synapses", variant="gap_junction").name == "GapJunction"


def test_every_shipped_synapse_says_what_it_is():
    import re
    from pathlib import Path
    text = Path(eq.load("synapses").file).read_text()
    for name in SHIPPED:
        assert re.search(rf"#[^\n]*\n(?:#[^\n]*\n)*synapse {name}\b", text), name


def test_gap_junction_psp_is_the_weighted_voltage_difference():
    psp = eq.load("gap_junction").info.psp
    values = {"w": np.array([0.5, 2.0]), "v_pre": np.array([1.0, -1.0]),
              "v_post": np.array([0.0, 1.0])}
    np.testing.assert_array_equal(evaluate(psp, values), [0.5, -4.0])


def test_a_synapse_has_no_method():
    with pytest.raises(ValueError, match="a synapse has no integration method"):
        eq.load("excitatory", method="rk4")


def test_check_command_checks_synapses(capsys):
    from eqneuro.cli import main
    assert main(["check", "synapses"]) == 0
    out = capsys.readouterr().out
    assert "synapse GapJunction\n  parameters:\n    w = 1.0\n  psp: w*(v_pre - v_post)" in out
    assert out.rstrip().endswith("synapses.eqn: 5 model(s) OK")
