"""`python -m app` opens the window; `python -m app <command>` runs the CLI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if (args and not (args[0].startswith("--db") or args[0].startswith("--operator"))) \
            or any(a in ("-h", "--help") for a in args):
        # Late imports, here and below, for start-up time: a command does not load the
        # window, and the window does not load the CLI's parsers.
        from app.cli.parser import main as cli_main

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
            from app.cli.parser import main as cli_main

            return cli_main(args)
    # The one import of ui from app: this entry point starts the window (the import-linter
    # contract "app has no Qt" names it as its only exception). Late, so that commands run
    # headless without loading Qt.
    from ui.main import run

    return int(run(sys.argv[:1] + args, db_url))


if __name__ == "__main__":
    sys.exit(main())
