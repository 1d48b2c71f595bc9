# Quick start: `make demo` and `make test` work on a fresh clone (they create .venv themselves).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Members that exist in this checkout, core first; each is installed editable into .venv.
# The demo needs only the NumPy default; the tests need every member.
DEMO_MEMBERS := kymatio-core kymatio-numpy
MEMBERS := $(DEMO_MEMBERS) kymatio-torch kymatio-sklearn kymatio-tensorflow kymatio-jax kymatio-keras kymatio-dask
# The files-less meta-distribution `kymatio`, installed (not editable) once its members are there.
META := kymatio-meta
ALL_BACKENDS := numpy,torch,sklearn,tensorflow,jax,keras,dask
KYMATIO_TEST_BACKENDS ?= $(ALL_BACKENDS)
PYTEST_ARGS ?=

.PHONY: demo test venv bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# requirements-torch.txt pins torch in the same resolution as the members: their `torch>=2.13` alone
# would let pip fetch a multi-GB CUDA build instead of the CPU build on disk.
$(VENV)/.installed: Makefile $(BIN)/python $(foreach m,$(MEMBERS),$(m)/pyproject.toml) requirements-test.txt requirements-torch.txt
	$(BIN)/python -m pip install -q -r requirements-torch.txt $(foreach m,$(MEMBERS),-e ./$(m))
	$(BIN)/python -m pip install -q ./$(META)
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

$(VENV)/.installed-demo: $(BIN)/python $(foreach m,$(DEMO_MEMBERS),$(m)/pyproject.toml)
	$(BIN)/python -m pip install -q $(foreach m,$(DEMO_MEMBERS),-e ./$(m))
	$(BIN)/python -m pip install -q -e "./kymatio-core[plot]"
	$(BIN)/python -m pip install -q ./$(META)
	touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed-demo
	$(BIN)/python examples/demo.py

test: venv
	KYMATIO_TEST_BACKENDS=$(KYMATIO_TEST_BACKENDS) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The documentation site (docs/conf.py): Sphinx with warnings as errors and nitpicky references, the
# API reference from the docstrings, and the gallery of examples/gallery, executed during the build.
$(VENV)/.installed-docs: $(VENV)/.installed requirements-docs.txt
	$(BIN)/python -m pip install -q -r requirements-docs.txt
	touch $@

docs: venv $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -W --keep-going -n -b html docs docs/_build/html

# Side by side with kymatio 0.3.0 (its own venv, benchmarks/.venv-ref, made on first use): ratios.
# BENCH_ARGS: e.g. --cases 1d-J8-Q8-4096 --impls numpy --json out.json (benchmarks/run.py --help).
BENCH_ARGS ?=
bench: venv
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) docs/_build docs/auto_examples docs/api/generated docs/sg_execution_times.rst
