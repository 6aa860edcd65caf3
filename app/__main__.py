"""`python -m app` opens the window; `python -m app <command>` runs the CLI."""

from __future__ import annotations

import importlib
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if (args and not (args[0].startswith("--db") or args[0].startswith("--operator"))) \
            or any(a in ("-h", "--help") for a in args):
        from app.cli import main as cli_main

        return cli_main(args)
    db_url = None
    rest = list(args)
    while rest:
        a = rest.pop(0)
        if a == "--db" and rest:
            db_url = rest.pop(0)
        elif a.startswith("--db="):
            db_url = a.split("=", 1)[1]
        elif a == "--operator" and rest:
            rest.pop(0)
        elif a.startswith("--operator="):
            pass
        else:
            from app.cli import main as cli_main

            return cli_main(args)
    # Imported by name: `app` stays free of Qt for import-linter and for headless use;
    # only this entry point reaches into the UI layer.
    ui_main = importlib.import_module("ui.main")
    return int(ui_main.run(sys.argv[:1] + args, db_url))


if __name__ == "__main__":
    sys.exit(main())
