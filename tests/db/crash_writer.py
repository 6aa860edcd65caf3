"""Child process of tests/db/test_crash.py: saves applicants until it is killed.

    python tests/db/crash_writer.py DB_PATH ROUND SEED

Opens the SQLite database the way the program does (open_database, with its start-up
backups), then registers applicants one after another and now and then edits an earlier
one. A line goes to stdout, flushed, only AFTER the service call has returned, i.e. after
the commit:

    opening                                  (just before open_database)
    ready <count>                            (opened; <count> applicants already there)
    saved <id_number> <serial>               (create returned)
    updated <id_number> <version> <token>    (update returned; <token> is now in note)

The parent kills it with SIGKILL at a random moment and checks that every line printed
is true of the database. The k-th applicant ever registered (k = serial - 1) gets an ID
number derived from k, so each round continues where the last one left off.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `app`, `db`, `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.services.applicants import ApplicantService
from app.services.database import open_database
from tests.support.people import applicant, id_number

SURNAMES = "张王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超"


def id_for(k: int) -> str:
    """A valid ID number, distinct for every k (the birth date moves one day per k)."""
    return id_number(birth=date(1960, 1, 1) + timedelta(days=k), seq=k % 100, male=k % 2 == 0)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    path, round_no, seed = Path(argv[1]), int(argv[2]), int(argv[3])
    rng = random.Random(seed)
    say("opening")
    db = open_database(f"sqlite:///{path}")
    svc = ApplicantService(db, f"崩溃测试{round_no}", clock=lambda: datetime(2021, 9, 20, 10))
    k = svc.count()
    say(f"ready {k}")
    edits = 0
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        rec = svc.create(applicant(name, id_number=id_for(k), mobile=f"139{k:08d}"))
        say(f"saved {rec.data.id_number} {rec.serial_no}")
        k += 1
        if rng.random() < 0.3:
            target = svc.find_by_serial(rng.randint(1, k))
            assert target is not None
            token = f"r{round_no}-{edits};"
            edits += 1
            data = replace(target.data, note=target.data.note + token,
                           postal_code=f"2260{rng.randrange(100):02d}")
            after = svc.update(target.id, data, target.version)
            say(f"updated {after.data.id_number} {after.version} {token}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
