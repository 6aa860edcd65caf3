# ClassDesk: two commands do all set-up — `make run` and `make test` (see README.md).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV   := .venv
PY     := $(VENV)/bin/python
# Stamps live inside the venv: deleting .venv forgets them, and pip is skipped on
# re-runs until pyproject.toml changes.
STAMP_RUN  := $(VENV)/.stamp-run
STAMP_TEST := $(VENV)/.stamp-test
STAMP_DIST := $(VENV)/.stamp-dist

ARGS ?=

.PHONY: help run test lint typecheck imports pytest venv bench dist clean

help:
	@echo "make run    安装并启动 ClassDesk / install and start the application"
	@echo "make test   安装测试依赖并运行全部检查 / install test extras, run ruff, mypy, lint-imports, pytest"
	@echo "make dist   构建安装包：dist/classdesk/ 程序文件夹和 .deb / build the bundle and the .deb"
	@echo "make clean  删除虚拟环境、缓存和构建结果 / remove .venv, caches, build/ and dist/"

$(PY):
	scripts/make_venv.sh $(VENV)

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PY) -m pip install -e .
	touch $@

# The test install is a superset of the run install: it satisfies both stamps.
$(STAMP_TEST): pyproject.toml | $(PY)
	$(PY) -m pip install -e '.[test]'
	touch $@ $(STAMP_RUN)

# PyInstaller goes into the same venv: the bundle is built from exactly what `make run` runs.
$(STAMP_DIST): pyproject.toml | $(PY)
	$(PY) -m pip install -e '.[dist]'
	touch $@ $(STAMP_RUN)

venv: $(STAMP_RUN)

run: $(STAMP_RUN)
	scripts/ensure_qt_libs.sh xcb
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ] && [ -z "$${QT_QPA_PLATFORM:-}" ]; then \
		echo "错误：没有图形桌面（DISPLAY 未设置）。请在桌面会话中运行 make run，或用虚拟屏幕：xvfb-run -a make run" >&2; \
		echo "error: no display (DISPLAY is not set). Run make run from a desktop session, or: xvfb-run -a make run" >&2; \
		exit 1; \
	fi
	$(PY) -m app $(ARGS)

# Every step runs even when an earlier one fails (one report of everything); any failure,
# pytest's exit code 5 for "no tests collected" included, fails the target.
TEST_STEPS := "ruff check ." "mypy" "lint-imports" "pytest"

test: $(STAMP_TEST)
	scripts/ensure_qt_libs.sh offscreen
	@failed=""; \
	for step in $(TEST_STEPS); do \
		echo "==> $$step"; \
		$(VENV)/bin/$$step || failed="$$failed [$$step: exit $$?]"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test FAILED:$$failed" >&2; exit 1; fi

# The single steps, for a quicker loop while working (they assume `make test` ran once).
lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check .
typecheck: $(STAMP_TEST)
	$(VENV)/bin/mypy
imports: $(STAMP_TEST)
	$(VENV)/bin/lint-imports
pytest: $(STAMP_TEST)
	$(VENV)/bin/pytest $(ARGS)

bench: $(STAMP_TEST)
	@if ls bench/*.py >/dev/null 2>&1; then \
		for f in bench/*.py; do echo "==> $$f"; $(PY) "$$f"; done; \
	else echo "bench/: 没有基准测试 / no benchmarks yet"; fi

# The one-folder bundle (packaging/classdesk.spec) in dist/classdesk/, then on Debian the
# .deb (packaging/build_deb.sh) checked by lintian: no errors allowed (the overrides in
# packaging/debian/lintian-overrides say why each one does not apply).
dist: $(STAMP_DIST)
	@start=$$(date +%s); \
	packaging/ensure_tools.sh; \
	rm -rf dist/classdesk dist/classdesk_*.deb build/pyinstaller; \
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/classdesk.spec; \
	if command -v dpkg-deb >/dev/null 2>&1; then \
		PYTHON=$(PY) packaging/build_deb.sh; \
		echo "==> lintian"; \
		rc=0; report="$$(lintian --fail-on error dist/classdesk_*.deb 2>&1)" || rc=$$?; \
		printf '%s\n' "$$report" | grep -v 'running with root privileges' || true; \
		if [ "$$rc" != 0 ]; then echo "lintian 报告错误 / lintian found errors" >&2; exit 1; fi; \
	fi; \
	echo "==> dist/ ($$(( $$(date +%s) - start )) s):"; \
	du -sh dist/classdesk; ls -sh dist/*.deb 2>/dev/null || true

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache *.egg-info build dist
