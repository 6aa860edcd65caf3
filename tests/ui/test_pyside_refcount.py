"""Regression guard: PySide6 6.12.0 on CPython 3.11 drops a reference to None per widget call.

Each of QLineEdit.setText, QComboBox.addItem and QStandardItemModel.setItem returned None
without taking a reference; a few thousand calls took None's count to zero and the process
died with "Fatal Python error: none_dealloc". pyproject.toml pins PySide6 < 6.12 on 3.11.
"""

from __future__ import annotations

import gc
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import PySide6
import pytest
import shiboken6
from packaging.requirements import Requirement
from packaging.version import Version
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

CALLS = 5000
CHUNK = 100
# None's count moves only when something stores or frees a reference to it. With the
# cyclic GC off during the loop and each call warmed up once (first calls fill caches),
# a clean binding moves it by 0 over 5000 calls (measured); 50 leaves room for a stray
# allocation. The 6.12.0 bug moves it by one per call: 100 in the first chunk.
TOLERANCE = 50

# References handed back to None when a broken binding was caught, so that the rest of
# the session (and interpreter exit) does not die in none_dealloc before pytest reports.
_NONE_REFS_RESTORED: list[None] = []

IMMORTAL_NONE = sys.version_info >= (3, 12)


def _none_refcount_drop(call: Callable[[int], object]) -> tuple[int, int]:
    """Call `call(i)` up to CALLS times; return (how far None's count fell, calls made).

    Stops at the first chunk that loses more than TOLERANCE, long before None runs out.
    """
    call(0)
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        done = 0
        while done < CALLS:
            for i in range(done, done + CHUNK):
                call(i)
            done += CHUNK
            if before - sys.getrefcount(None) > TOLERANCE:
                break
        drop = before - sys.getrefcount(None)
    finally:
        gc.enable()
    if drop > 0:
        _NONE_REFS_RESTORED.extend([None] * drop)
    return drop, done


def _assert_keeps_none(name: str, call: Callable[[int], object]) -> None:
    drop, done = _none_refcount_drop(call)
    assert drop <= TOLERANCE, (
        f"{name}: None's reference count fell by {drop} over {done} calls. "
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} drops a reference "
        "to None per call and will abort with 'Fatal Python error: none_dealloc'. "
        "Install a PySide6 that pyproject.toml allows (< 6.12 on Python 3.11)."
    )


TEXTS = [f"南通张三{i}助理信用管理师" for i in range(8)]

mortal_none = pytest.mark.skipif(
    IMMORTAL_NONE, reason="None is immortal from Python 3.12: its count cannot fall"
)


@mortal_none
def test_line_edit_set_text_keeps_none_alive(qapp: QApplication) -> None:
    edit = QLineEdit()
    _assert_keeps_none("QLineEdit.setText", lambda i: edit.setText(TEXTS[i & 7]))


@mortal_none
def test_combo_box_add_item_keeps_none_alive(qapp: QApplication) -> None:
    combo = QComboBox()
    _assert_keeps_none("QComboBox.addItem", lambda i: combo.addItem(TEXTS[i & 7]))
    assert combo.count() >= CHUNK


@mortal_none
def test_standard_item_model_set_item_keeps_none_alive(qapp: QApplication) -> None:
    model = QStandardItemModel(CHUNK, 1)
    _assert_keeps_none(
        "QStandardItemModel.setItem",
        lambda i: model.setItem(i % CHUNK, 0, QStandardItem(TEXTS[i & 7])),
    )


@mortal_none
def test_the_measurement_sees_a_lost_reference() -> None:
    """The guard itself works: a call that loses one reference to None per call is caught."""
    import ctypes

    decref = ctypes.pythonapi.Py_DecRef
    decref.argtypes = [ctypes.py_object]
    decref.restype = None

    drop, done = _none_refcount_drop(lambda i: decref(None))
    assert drop > TOLERANCE
    assert done == CHUNK  # stopped at the first chunk, long before None ran out


# --- the version pin -------------------------------------------------------------------

BROKEN = Version("6.12.0")


def test_installed_pyside6_is_not_the_broken_pair() -> None:
    installed = Version(PySide6.__version__)
    assert not (sys.version_info[:2] == (3, 11) and installed == BROKEN), (
        f"PySide6 {installed} on Python 3.11 corrupts None's reference count; "
        "reinstall with `make test` (pyproject.toml pins < 6.12 on 3.11)."
    )
    assert shiboken6.__version__ == PySide6.__version__, "PySide6 and shiboken6 must match"


@pytest.mark.parametrize("python", ["3.11"])
def test_pyproject_pin_excludes_the_broken_pair(python: str) -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    env = {"python_version": python, "python_full_version": f"{python}.0"}
    pyside = [
        req
        for req in map(Requirement, deps)
        if req.name.lower() in {"pyside6", "pyside6-essentials"}
        and (req.marker is None or req.marker.evaluate(env))
    ]
    assert pyside, f"no PySide6 requirement applies to Python {python}"
    for req in pyside:
        assert not req.specifier.contains(BROKEN, prereleases=True), (
            f"{req} admits PySide6 {BROKEN} on Python {python}"
        )
