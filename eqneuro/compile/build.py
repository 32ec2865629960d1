"""Cython source -> imported extension module, through a content-hash cache directory.

The cache key covers everything that changes the binary: the source, the compiler and its
flags, Cython and Python versions. A warm hit imports the module without running Cython or
the C compiler. Concurrent builds of one kernel are serialised by a lock file and finished
with an atomic rename, so several processes can share one cache.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.machinery
import importlib.util
import io
import os
import platform
import shutil
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError

# -D__FAST_MATH__ makes glibc declare its vector math (libmvec: exp, expm1, log, ...) so that
# update loops with transcendental functions vectorise, without the value-changing parts of
# -ffast-math (finite-math-only would break NaN/inf detection; reassociation would change
# results). -fno-trapping-math lets gcc turn the conditional resets into vector selects.
DEFAULT_FLAGS = ("-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math",
                 "-D__FAST_MATH__", "-fno-semantic-interposition", "-fopenmp", "-w")


@dataclass(frozen=True, slots=True)
class BuildResult:
    module: object
    path: Path
    cache_hit: bool
    seconds: float


def cache_dir() -> Path:
    configured = os.environ.get("EQNEURO_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "eqneuro"


def compiler_flags() -> tuple[str, ...]:
    extra = os.environ.get("EQNEURO_CFLAGS")
    return DEFAULT_FLAGS + tuple(extra.split()) if extra else DEFAULT_FLAGS


def _compiler() -> str:
    return os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"


def _toolchain_id() -> str:
    import Cython
    return "|".join([Cython.__version__, sys.version, sysconfig.get_config_var("EXT_SUFFIX") or "",
                     _compiler(), platform.machine(), " ".join(compiler_flags())])


def module_name(source: str) -> str:
    digest = hashlib.sha256((_toolchain_id() + "\0" + source).encode()).hexdigest()
    return "eqk_" + digest[:20]


def _suffix() -> str:
    return sysconfig.get_config_var("EXT_SUFFIX") or importlib.machinery.EXTENSION_SUFFIXES[0]


_RECORDERS: list[set] = []     # open recordings of the cache files this process uses


@contextlib.contextmanager
def recording_cache_files():
    """Collects (in the set it yields) the paths of every cache file read or written inside
    the block: kernels and model records, what another machine needs to skip compiling."""
    used: set = set()
    _RECORDERS.append(used)
    try:
        yield used
    finally:
        _RECORDERS.remove(used)


def note_cache_file(path: Path) -> None:
    for used in _RECORDERS:
        used.add(Path(path))


def _import(name: str, path: Path):
    note_cache_file(path)
    if name in sys.modules:
        return sys.modules[name]
    loader = importlib.machinery.ExtensionFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, str(path), loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    sys.modules[name] = module
    return module


def cached_module(name: str, directory: Path | None = None):
    """The module if it is in the cache already, else None (no Cython, no compiler)."""
    if os.environ.get("EQNEURO_NO_CACHE"):
        return None
    path = (directory or cache_dir()) / (name + _suffix())
    return _import(name, path) if path.exists() else None


def build(source: str, directory: Path | None = None) -> BuildResult:
    """Compile `source` (Cython) unless its module is cached; import and return it."""
    start = time.perf_counter()
    directory = directory or cache_dir()
    name = module_name(source)
    target = directory / (name + _suffix())
    if target.exists() and not os.environ.get("EQNEURO_NO_CACHE"):
        return BuildResult(_import(name, target), target, True, time.perf_counter() - start)
    _writable(directory)
    with open(directory / (name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not target.exists() or os.environ.get("EQNEURO_NO_CACHE"):
                _compile(name, source, directory, target)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return BuildResult(_import(name, target), target, False, time.perf_counter() - start)


def _writable(directory: Path) -> None:
    """Create the cache directory, or say clearly why it cannot hold kernels."""
    where = ("EQNEURO_CACHE_DIR" if os.environ.get("EQNEURO_CACHE_DIR") else "the cache "
             "directory") + f" ({directory})"
    if directory.exists() and not directory.is_dir():
        raise BuildError(f"{where} is a file, not a directory: point EQNEURO_CACHE_DIR at a "
                         "directory (it is created if missing)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=directory, prefix=".probe")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise BuildError(f"{where} cannot hold compiled kernels: {error.strerror or error}. "
                         "Set EQNEURO_CACHE_DIR to a writable directory") from None


def _compile(name: str, source: str, directory: Path, target: Path) -> None:
    _check_toolchain()
    work = Path(tempfile.mkdtemp(prefix=name + ".", dir=directory))
    try:
        pyx = work / (name + ".pyx")
        pyx.write_text(source)
        c_file = _cythonize(name, pyx, directory)
        built = _cc(name, c_file, work, directory)
        kept = directory / (name + ".pyx")
        shutil.copyfile(pyx, kept)
        os.replace(built, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _cythonize(name: str, pyx: Path, directory: Path) -> Path:
    from Cython.Compiler.Main import CompilationOptions, compile_single, default_options
    options = CompilationOptions(default_options, output_file=str(pyx.with_suffix(".c")),
                                 language_level=3)
    log = io.StringIO()
    with contextlib.redirect_stderr(log), contextlib.redirect_stdout(log):
        try:
            result = compile_single(str(pyx), options, full_module_name=name)
        except Exception as error:
            raise BuildError(f"Cython failed on the generated kernel: {error}", log.getvalue(),
                             _keep(pyx, directory)) from None
    if result.num_errors:
        raise BuildError("Cython failed on the generated kernel (an eqneuro bug; please "
                         "report it with the kernel source)", log.getvalue(),
                         _keep(pyx, directory))
    return Path(result.c_file)


def _cc(name: str, c_file: Path, work: Path, directory: Path) -> Path:
    import subprocess
    include = sysconfig.get_paths()["include"]
    output = work / (name + _suffix())
    ldshared = (sysconfig.get_config_var("LDSHARED") or "").split()
    shared = "-shared" if "-shared" in ldshared else "-bundle"
    command = [_compiler(), *compiler_flags(), "-fPIC", f"-I{include}", shared,
               "-o", str(output), str(c_file), "-lm"]
    if sys.platform == "darwin":
        command += ["-undefined", "dynamic_lookup"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"the C compiler failed on the generated kernel ({' '.join(command)})",
                         done.stdout + done.stderr, _keep(c_file.with_suffix(".pyx"), directory))
    return output


def _keep(pyx: Path, directory: Path) -> str:
    kept = directory / pyx.name
    with contextlib.suppress(OSError):
        shutil.copyfile(pyx, kept)
    return str(kept)


def _check_toolchain() -> None:
    compiler = _compiler().split()[0]
    if shutil.which(compiler) is None:
        raise BuildError(f"no C compiler found (looked for '{compiler}'). eqneuro compiles each "
                         "model to C: install gcc (Debian/Ubuntu: 'apt install gcc python3-dev'; "
                         "Fedora: 'dnf install gcc python3-devel'; macOS: 'xcode-select "
                         "--install'), or set CC to your compiler")
    header = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not header.exists():
        raise BuildError(f"the Python headers are missing ({header}). Install them: Debian/"
                         "Ubuntu 'apt install python3-dev', Fedora 'dnf install python3-devel'")
