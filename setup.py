from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent
VERSION = "0.1.0"
# results in the field's formats: Neo objects for Elephant, NWB files (eq.save, eq.read)
NEO = ["neo>=0.13", "quantities>=0.15", "elephant>=1.0", "pynwb>=2.5"]

setup(
    name="eqneuro",
    version=VERSION,
    description="Neuron models written as text equations, compiled to fast Cython kernels",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=["eqneuro", "eqneuro.lang", "eqneuro.compile", "eqneuro.sim", "eqneuro.analysis",
              "eqneuro.sweeps", "eqneuro.grammar", "eqneuro.templates", "eqneuro.models"],
    package_dir={
        "eqneuro": "eqneuro",
        "eqneuro.grammar": "grammar",
        "eqneuro.templates": "templates",
        "eqneuro.models": "models",
    },
    package_data={
        "eqneuro.grammar": ["*.lark"],
        "eqneuro.templates": ["*.j2", "*.h"],
        "eqneuro.models": ["*.eqn"],
    },
    install_requires=[
        "numpy>=1.24",
        "scipy>=1.10",
        "sympy>=1.12",
        "lark[interegular]>=1.1.9",
        "cython>=3.0",
        "jinja2>=3.1",
        "matplotlib>=3.7",
        "tqdm>=4.60",
        "pandas>=2.0",
        "dask[distributed]>=2024.1",
    ],
    extras_require={
        "neo": NEO,
        "test": ["pytest>=7", "hypothesis>=6"] + NEO,
    },
    entry_points={"console_scripts": ["eqneuro = eqneuro.cli:main"]},
)
