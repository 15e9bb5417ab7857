# Two commands set up everything on a fresh machine: `make book` and `make test`.
# Both create .venv and install the pinned dependencies on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
READY  := $(VENV)/.installed
PYTEST := $(PY) -m pytest --color=no -p no:cacheprovider

.PHONY: help book lab test test-fast student regrade-reference grade batch bench lock clean

help:
	@echo "make book               build the HTML book into _build/html (sets up .venv first)"
	@echo "make test               run the whole suite: reference, grader, notebooks, book, browser"
	@echo "make lab                open the chapter notebooks (chapters/) in JupyterLab"
	@echo "make grade              grade every notebook in chapters/: the course progress table"
	@echo "make grade NB=chapters/leaky_relu.ipynb   grade one chapter notebook (any name, any folder)"
	@echo "make batch SUBMISSIONS=folder [GRADEBOOK=grades.csv] [JOBS=n]   grade a class (instructors)"
	@echo "make student            regenerate chapters/ (student notebooks) from solutions/"
	@echo "make regrade-reference  regenerate the grading notebooks from autograder/specs/ and their"
	@echo "                        expected outputs from solutions/ (CHAPTER=<name> for one chapter)"
	@echo "make bench              time the reference implementation, grading one chapter, and batch grading"

$(READY): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing the pinned dependencies into $(VENV) (log: $(VENV)/install.log)"
	@$(PY) -m pip install --upgrade pip > $(VENV)/install.log 2>&1 \
	  && $(PY) -m pip install -c constraints.txt -e ".[test]" >> $(VENV)/install.log 2>&1 \
	  || { tail -n 40 $(VENV)/install.log; echo "installation failed: see $(VENV)/install.log"; exit 1; }
	touch $@

# The book build runs the GPU labs in quick mode on any machine: at full size a lab takes minutes
# per cell. COURSE_MODE=full make book, or running a lab in Jupyter on a GPU, gives the full size.
book: export COURSE_MODE ?= quick
book: $(READY)
	$(VENV)/bin/jupyter-book build --warningiserror --keep-going .

test: $(READY)
	$(PYTEST)

test-fast: $(READY)
	$(PYTEST) -m "not book and not browser"

student: $(READY)
	$(PY) -m autograder.generate students

regrade-reference: $(READY)
	$(PY) -m autograder.generate reference --chapter '$(or $(CHAPTER),*)'

# JupyterLab refuses to run as root without --allow-root (containers, CI); a student's own account
# needs no flag. The server prints its URL with the login token; Ctrl+C stops it.
lab: $(READY)
	@echo "starting JupyterLab on chapters/: open the http://127.0.0.1 URL it prints below; Ctrl+C to stop"
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=chapters --ServerApp.ip=127.0.0.1 $$([ "$$(id -u)" -eq 0 ] && echo --allow-root)

grade: $(READY)
	$(PY) -m autograder $(or $(NB),chapters)

GRADEBOOK ?= grades.csv
batch: $(READY)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make batch SUBMISSIONS=<folder> [GRADEBOOK=grades.csv] [JOBS=n]"; exit 2; }
	$(PY) -m autograder batch $(SUBMISSIONS) --gradebook $(GRADEBOOK) $(if $(JOBS),--jobs $(JOBS))

bench: $(READY)
	$(PY) tests/bench/activations_speed.py && $(PY) tests/bench/grading_speed.py && $(PY) tests/bench/batch_speed.py

lock: $(READY)
	{ head -2 constraints.txt; $(PY) -m pip freeze --exclude-editable | sed 's/+cpu//'; } > constraints.txt.new
	@echo "review constraints.txt.new, then move it over constraints.txt"

clean:
	rm -rf _build
