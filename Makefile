# Quick start: `make demo` and `make test` work on a fresh clone (they create .venv themselves).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Members that exist in this checkout, core first; each is installed editable into .venv.
MEMBERS := kymatio-core kymatio-numpy
# The files-less meta-distribution `kymatio`, installed (not editable) once its members are there.
META := kymatio-meta
ALL_BACKENDS := numpy
KYMATIO_TEST_BACKENDS ?= $(ALL_BACKENDS)
PYTEST_ARGS ?=

.PHONY: demo test venv clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python $(foreach m,$(MEMBERS),$(m)/pyproject.toml) requirements-test.txt
	$(BIN)/python -m pip install -q $(foreach m,$(MEMBERS),-e ./$(m))
	$(BIN)/python -m pip install -q ./$(META)
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

venv: $(VENV)/.installed

demo: venv
	$(BIN)/python examples/demo.py

test: venv
	KYMATIO_TEST_BACKENDS=$(KYMATIO_TEST_BACKENDS) $(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV)
