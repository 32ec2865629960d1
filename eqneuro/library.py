"""Shipped models (models/*.eqn) and loading model files by name or path."""
from __future__ import annotations

import re
from pathlib import Path

from .errors import ModelError, Source, Span, did_you_mean
from .neuron import Neuron
from .resources import resource_dir

_NEURON_LINE = re.compile(r"^neuron\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


def read_model_file(path: Path) -> str:
    """A model file's text (UTF-8, a byte-order mark allowed); any other encoding is a
    ModelError at the first byte that is not UTF-8."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[:error.start]
        line = before.count(b"\n") + 1
        start = before.rfind(b"\n") + 1
        column = len(before[start:].decode("utf-8-sig", errors="replace")) + 1
        text = data.decode("utf-8", errors="replace")
        raise ModelError(f"the file is not UTF-8 text: byte 0x{data[error.start]:02x} "
                         "cannot be read", Source(text, str(path)), Span(line, column),
                         "save it as UTF-8 (e.g. iconv -f latin1 -t utf-8 old.eqn > new.eqn)"
                         ) from None


def _models_dir() -> Path:
    return resource_dir("models")


def shipped_models() -> dict[str, tuple[str, ...]]:
    """Shipped model names -> the neurons (base first, then variants) in each file."""
    out = {}
    for path in sorted(_models_dir().glob("*.eqn")):
        out[path.stem] = tuple(_NEURON_LINE.findall(read_model_file(path)))
    return out


def _normal(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def load(name: str, variant: str | None = None, method: str | None = None) -> Neuron:
    """A shipped model ("lif", "izhikevich", "izhikevich.chattering") or a .eqn file path.

    A file with several neurons gives its first unless `variant` (or `path:Neuron`,
    `model.variant`) names another.
    """
    if not isinstance(name, (str, Path)):
        raise TypeError(f"load() takes a model name or a path, not {type(name).__name__}")
    text = str(name)
    if not text.strip():
        raise ValueError("load() needs a model name such as 'lif' or a path to a .eqn file")
    path = Path(text)
    if path.suffix != ".eqn" and ":" in text and not path.exists():
        text, variant = text.rsplit(":", 1)[0], variant or text.rsplit(":", 1)[1]
        path = Path(text)
    if path.suffix == ".eqn" or path.exists() or "/" in text or "\\" in text:
        if not path.exists():
            raise FileNotFoundError(f"no model file {path}")
        if not path.is_file():
            raise ValueError(f"{path} is a folder, not a model file (.eqn)")
        return Neuron(read_model_file(path), name=_variant_name(path, variant), method=method,
                      file=str(path))
    base, _, dotted = text.partition(".")
    variant = variant or (dotted or None)
    models = shipped_models()
    key = next((m for m in models if _normal(m) == _normal(base)), None)
    if key is None:
        found = [m for m, neurons in models.items()
                 if any(_normal(n) == _normal(text) for n in neurons)]
        if len(found) == 1:
            key, variant = found[0], text
        else:
            hint = did_you_mean(base, models)
            raise ValueError(f"no shipped model '{text}'" + (f"; {hint}" if hint else "")
                             + f" (shipped: {', '.join(models)})")
    path = _models_dir() / f"{key}.eqn"
    return Neuron(read_model_file(path), name=_variant_name(path, variant), method=method,
                  file=str(path))


def _variant_name(path: Path, variant: str | None) -> str | None:
    if variant is None:
        return None
    neurons = _NEURON_LINE.findall(read_model_file(path))
    for neuron in neurons:
        if _normal(neuron) == _normal(variant):
            return neuron
    hint = did_you_mean(variant, neurons)
    raise ValueError(f"{path.name} has no neuron or variant '{variant}'"
                     + (f"; {hint}" if hint else "") + f" (has: {', '.join(neurons)})")
