"""The bundle's entry point: the same as `python -m app` (the window, or the CLI)."""

import os
import sys

from app.__main__ import main

if __name__ == "__main__":
    if getattr(sys, "frozen", False) and sys.platform.startswith("linux"):
        # PyInstaller's bootloader points LD_LIBRARY_PATH at the bundle; the dynamic
        # loader has read it already, so put it back for programs we start (xdg-open from
        # 打开文件夹 ...): they must load their own libraries, not ours.
        original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            os.environ.pop("LD_LIBRARY_PATH", None)
        else:
            os.environ["LD_LIBRARY_PATH"] = original
    sys.exit(main())
