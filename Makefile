# deepcourse: two commands do all set-up on a fresh machine.
#   make run    venv + install + bubblewrap (grading) + migrate + load the course + start the portal (SQLite)
#   make test   venv + install + system tools + the whole suite (what CI runs)
# Re-running either is fast: the venv is rebuilt only when pyproject.toml or the lock changes.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.deepcourse-installed
LOCK   := requirements/constraints.txt
JOBS   ?= 2

.PHONY: run test test-fast lint format system-deps grader-deps lock clean help bench nbgrader-venv agreement

help:
	@echo "make run        start the portal on embedded SQLite with the course loaded (installs bubblewrap as root)"
	@echo "make test       everything CI runs (unit, integration, e2e, every tutorial)"
	@echo "make test-fast  unit tests only (seconds)"
	@echo "make lint       ruff check + ruff format --check"
	@echo "make bench      every benchmark in benchmarks/ (minutes; figures go in the README)"
	@echo "make agreement  deepcourse vs nbgrader on nbgrader's fixtures (report: docs/nbgrader-agreement.md)"
	@echo "make clean      remove .venv and build outputs (never the course database: deepcourse db path)"

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	@touch $(STAMP)

# nbgrader 0.9.6 in its own venv, for the agreement test and the benchmark (about a minute, once).
# Where it cannot be made (no network) the script says why and the test skips; not under CI=true.
nbgrader-venv: $(STAMP)
	@$(BIN)/python benchmarks/nbgrader_env.py

# Everything the tests need (bubblewrap, PostgreSQL); installed as root, else named and skipped.
system-deps:
	@bash scripts/system-deps.sh

# What grading needs (bubblewrap, the sandbox): the portal grades, so `make run` asks for it.
# As root it is installed; otherwise the script names what is missing and the portal starts anyway.
grader-deps:
	@bash scripts/system-deps.sh --warn-only bubblewrap

run: $(STAMP) grader-deps
	$(BIN)/deepcourse serve

test: $(STAMP) system-deps nbgrader-venv
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m unit -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

agreement: $(STAMP) system-deps nbgrader-venv
	PYTHONPATH=src $(BIN)/python tests/grader/agreement/agreement.py --report docs/nbgrader-agreement.md

bench: $(STAMP) system-deps
	$(BIN)/python benchmarks/bench_autodiff_mlp.py --threads 1
	$(BIN)/python benchmarks/bench_autodiff_mlp.py --threads 2
	$(BIN)/python benchmarks/bench_gradebook.py
	PYTHONPATH=src $(BIN)/python benchmarks/grader_vs_nbgrader.py --submissions 20 --jobs 2

# Refresh the lock from the current venv (run after changing dependencies in pyproject.toml).
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^deepcourse' > $(LOCK)

# The course database is not in the repository: it lives in the per-user data folder, shared by
# every clone (`deepcourse db path`). clean leaves it alone and says where it is.
clean:
	@db=$$($(BIN)/deepcourse db path 2>/dev/null) || \
	    db="$${DEEPCOURSE_DATA_DIR:-$${XDG_DATA_HOME:-$$HOME/.local/share}/deepcourse}/deepcourse.sqlite3 (unless DEEPCOURSE_DATABASE_URL names another)"; \
	    echo "make clean: the course database is left alone: $$db"
	rm -rf $(VENV) build .pytest_cache
