"""PDF benchmark: the filled forms (附件2 + 附件4) of 118 applicants with photos.

    python bench/bench_print.py [--count 118] [--repeat 5]

118 demo applicants (the class's target), each with a different real 300×420 JPEG photo
of about 15 KB attached, in a fresh SQLite database. `export_forms` of the whole class
(database read, one photo query per applicant, 236 pages drawn, the CJK font subset and
embedded, atomic rename) is timed `--repeat` times: median and best. Target: < 5 s.
Then one more pass under tracemalloc for the peak of Python allocations, and the
process's ru_maxrss. The package (summary + photo pack + PDF + manifest) is timed once.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw, ImageFilter

from app.services.applicants import ApplicantService
from app.services.database import open_database
from app.services.demo import demo_applicants
from app.services.package import export_package
from app.services.photos import PhotoService
from app.services.printing import export_forms, find_cjk_font

CLOCK = datetime(2021, 9, 20, 10, 0)
TARGET_S = 5.0


def portrait(seed: int) -> bytes:
    rnd = random.Random(seed)
    im = Image.new("RGB", (300, 420), (90 + seed % 60, 140, 200))
    draw = ImageDraw.Draw(im)
    for _ in range(30):
        x, y, r = rnd.randrange(300), rnd.randrange(420), rnd.randrange(20, 100)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    im = im.filter(ImageFilter.GaussianBlur(2))
    for q in range(90, 10, -5):
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=q)
        if buf.tell() < 19_000:
            return buf.getvalue()
    raise AssertionError("picture too detailed")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=118)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-print-"))
    try:
        db = open_database(f"sqlite:///{work / 'bench.sqlite3'}", take_backups=False)
        svc = ApplicantService(db, "基准", clock=lambda: CLOCK)
        created = svc.create_many(demo_applicants(svc.campaign, args.count, seed=2021))
        photos = PhotoService(db, "基准")
        records = svc.records()
        total_photo = 0
        for i, r in enumerate(records):
            data = portrait(i)
            total_photo += len(data)
            photos.attach(r.id, data, f"{r.data.name}.jpg")
        print(f"python {platform.python_version()}, {platform.machine()}, "
              f"load average {os.getloadavg()[0]:.2f}; font {find_cjk_font()}")
        print(f"{created} applicants, "
              f"{len(records)} photos of {total_photo / len(records) / 1024:.1f} KB on average")

        out = work / "forms.pdf"
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = export_forms(svc, out)
            times.append(time.perf_counter() - t)
        assert result.count == len(records)
        size = out.stat().st_size
        med = statistics.median(times)
        print(f"export_forms: {len(records)} applicants, {2 * len(records)} pages, "
              f"{size / 1024 / 1024:.2f} MB; median {med:.3f} s, best {min(times):.3f} s "
              f"over {args.repeat} runs; target < {TARGET_S:.0f} s: "
              f"{'OK' if med < TARGET_S else 'MISSED'}")

        tracemalloc.start()
        export_forms(svc, out)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rss_mb = rss / 1024 / 1024 if sys.platform == "darwin" else rss / 1024
        print(f"peak memory: tracemalloc {peak / 1024 / 1024:.1f} MB during export_forms; "
              f"process ru_maxrss {rss_mb:.0f} MB")

        pkg_dir = work / "pkg"
        pkg_dir.mkdir()
        t = time.perf_counter()
        pkg = export_package(svc, pkg_dir, as_zip=True)
        print(f"export_package (zip: summary, {len(records)} photos, PDF, manifest): "
              f"{time.perf_counter() - t:.3f} s, {pkg.path.stat().st_size / 1024 / 1024:.2f} MB")
        db.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
