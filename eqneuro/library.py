"""Shipped models (models/*.eqn) and loading model files by name or path."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .compile.modelcache import load_record, model_key, save_record
from .errors import ModelError, Source, Span, did_you_mean
from .lang.parser import Declared, declarations, normalise
from .neuron import Neuron
from .synapse import Synapse
from .resources import resource_dir


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


def declared(text: str, file: str | None = None) -> tuple[Declared, ...]:
    """The declarations of a model text, found by the parser (ModelError if it does not
    parse); remembered in the model cache, so that a warm start does not parse again."""
    source = Source(normalise(text), file)
    key = hashlib.sha256(("declarations\0" + model_key(source.text, None, None, None)).encode()
                         ).hexdigest()[:32]
    record = load_record(key)
    if record is not None:
        return tuple(Declared(kind, name, line) for kind, name, line in record)
    found = declarations(source)
    save_record(key, [[d.kind, d.name, d.line] for d in found])
    return found


def _declared_in(path: Path) -> tuple[Declared, ...]:
    return declared(read_model_file(path), str(path))


def _shipped_files() -> dict[str, Path]:
    return {path.stem: path for path in sorted(_models_dir().glob("*.eqn"))}


def _shipped(kind: str) -> dict[str, tuple[str, ...]]:
    out = {}
    for stem, path in _shipped_files().items():
        names = tuple(d.name for d in _declared_in(path) if d.kind == kind)
        if names:
            out[stem] = names
    return out


def shipped_models() -> dict[str, tuple[str, ...]]:
    """Shipped model names -> the neurons (base first, then variants) in each file."""
    return _shipped("neuron")


def shipped_synapses() -> dict[str, tuple[str, ...]]:
    """Shipped files with synapses -> their synapses; each loads by name (eq.load)."""
    return _shipped("synapse")


def _normal(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def load(name: str, variant: str | None = None, method: str | None = None
         ) -> Neuron | Synapse:
    """A shipped model ("lif", "izhikevich", "izhikevich.chattering", a synapse such as
    "gap_junction") or a .eqn file path.

    A file with several declarations gives its first unless `variant` (or `path:Name`,
    `model.variant`) names another; a synapse loads as a Synapse.
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
        return _load_file(path, variant, method)
    base, _, dotted = text.partition(".")
    variant = variant or (dotted or None)
    files = _shipped_files()
    key = next((stem for stem in files if _normal(stem) == _normal(base)), None)
    if key is None:
        found = [stem for stem, path in files.items()
                 if any(d.name and _normal(d.name) == _normal(text) for d in _declared_in(path))]
        if len(found) == 1:
            key, variant = found[0], text
        else:
            hint = did_you_mean(base, files)
            raise ValueError(f"no shipped model '{text}'" + (f"; {hint}" if hint else "")
                             + f" (shipped: {', '.join(files)})")
    return _load_file(files[key], variant, method)


def _load_file(path: Path, variant: str | None, method: str | None) -> Neuron | Synapse:
    text = read_model_file(path)
    name = _variant_name(path, variant)
    kind = next((d.kind for d in _declared_in(path) if name is None or d.name == name))
    if kind != "synapse":
        return Neuron(text, name=name, method=method, file=str(path))
    if method is not None:
        raise ValueError(f"method={method!r}: a synapse has no integration method "
                         f"({path.name} declares synapse '{name or 'the first'}')")
    return Synapse(text, name=name, file=str(path))


def _variant_name(path: Path, variant: str | None) -> str | None:
    if variant is None:
        return None
    names = [d.name for d in _declared_in(path) if d.name]
    for declared_name in names:
        if _normal(declared_name) == _normal(variant):
            return declared_name
    hint = did_you_mean(variant, names)
    raise ValueError(f"{path.name} has no neuron or variant '{variant}'"
                     + (f"; {hint}" if hint else "") + f" (has: {', '.join(names)})")
