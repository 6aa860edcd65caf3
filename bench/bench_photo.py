"""Photo benchmark: checking and fixing one photo, and a folder of 1,000, against bare Pillow.

    python bench/bench_photo.py [--count 1000] [--dir DIR] [--keep]

(a) median time of check_file on one photo (a 12-megapixel phone JPEG, a small passing
    JPEG), and of fix_photo on a 4000×3000 phone photo; Pillow's own open+load of the same
    files for comparison;
(b) a folder of `--count` photos like those a class hands in (phone photos of 1–3 MB,
    small passing JPEGs, scans, PNGs, CMYK/progressive/EXIF-rotated JPEGs, a few broken
    files): wall time and peak memory of
      - bare Pillow: Image.open + load of every file (the reference),
      - check: check_file of every file,
      - fix: check_file, and fix_photo + write for every fixable file that needs it.
    Each phase runs in a fresh subprocess, twice: once timed (peak RSS = VmHWM reset after
    the imports, the real peak including Pillow's pixel buffers; ru_maxrss where there is
    no /proc), once under tracemalloc (peak of memory Python allocates: file bytes,
    results; Pillow's pixel buffers are not traced there).

Files are written to a temporary directory (or under `--dir`), removed unless `--keep`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import PIL
from PIL import Image, ImageDraw, ImageFilter

from app.services.photo_check import check_file, read_photo_file
from app.services.photo_fix import fix_photo


def out(line: str = "") -> None:
    print(line, flush=True)


# ---------------------------------------------------------------- test pictures
def picture(w: int, h: int, seed: int, grain: float = 0.0) -> Image.Image:
    """Photo-like: soft shapes on a smooth background, with sensor grain when asked
    (grain is what makes phone JPEGs 1–3 MB)."""
    rnd = random.Random(seed)
    im = Image.new("RGB", (w, h), (80 + seed % 90, 130, 190))
    d = ImageDraw.Draw(im)
    for _ in range(60):
        x, y = rnd.randrange(w), rnd.randrange(h)
        r = rnd.randrange(max(2, min(w, h) // 15), max(3, min(w, h) // 3))
        d.ellipse((x - r, y - r, x + r, y + r),
                  fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    im = im.filter(ImageFilter.GaussianBlur(max(1, min(w, h) // 200)))
    if grain:
        im = Image.blend(im, Image.effect_noise((w, h), 64).convert("RGB"), grain)
    return im


def encode(im: Image.Image, fmt: str = "JPEG", **kw: Any) -> bytes:
    b = io.BytesIO()
    im.save(b, fmt, **kw)
    return b.getvalue()


def exif6() -> bytes:
    e = Image.Exif()
    e[0x0112] = 6
    return e.tobytes()


def make_folder(folder: Path, count: int) -> dict[str, int]:
    """`count` files in `folder`: a few distinct pictures of each kind, copied under many
    names (decoding cost is per file; nothing here caches by content)."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds: list[tuple[str, float, list[tuple[str, bytes]]]] = []
    phone = []
    for s in range(6):
        im = picture(4000, 3000, s, grain=0.05 + 0.02 * (s % 3))
        phone.append(("jpg", encode(im, quality=88 + s % 3, exif=exif6() if s == 5 else b"")))
    kinds.append(("phone", 0.25, phone))
    small = [("jpg", encode(picture(358, 441, 10 + s).resize((358, 441)), quality=75))
             for s in range(20)]
    kinds.append(("small-ok", 0.35, small))
    scans = [("jpg", encode(picture(1240, 1754, 40 + s, grain=0.03), quality=85))
             for s in range(4)]
    kinds.append(("scan", 0.15, scans))
    pngs = [("jpg", encode(picture(800, 1000, 60 + s), "PNG")) for s in range(4)]  # renamed
    kinds.append(("png", 0.15, pngs))
    odd = [
        ("jpg", encode(picture(600, 800, 80).convert("CMYK"), quality=85)),
        ("jpg", encode(picture(900, 1200, 81), quality=85, progressive=True)),
        ("jpg", encode(picture(1200, 900, 82), quality=85, exif=exif6())),
    ]
    kinds.append(("cmyk/progressive/exif", 0.05, odd))
    full = phone[0][1]
    bad = [("jpg", full[: len(full) // 2]), ("jpg", random.Random(1).randbytes(50_000)),
           ("jpg", b""), ("heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(4000))]
    kinds.append(("broken", 0.05, bad))

    made: dict[str, int] = {}
    n = 0
    for i, (kind, share, items) in enumerate(kinds):
        k = count - n if i == len(kinds) - 1 else round(count * share)
        for j in range(k):
            ext, data = items[j % len(items)]
            (folder / f"{kind.split('/')[0]}_{j:04d}.{ext}").write_bytes(data)
        made[kind] = k
        n += k
    return made


# ---------------------------------------------------------------- phases (in subprocesses)
def phase_pillow(files: list[Path], _: Path) -> int:
    ok = 0
    for p in files:
        try:
            with Image.open(p) as im:
                im.load()
            ok += 1
        except Exception:
            pass
    return ok


def phase_check(files: list[Path], _: Path) -> int:
    return sum(check_file(p).passed for p in files)


def phase_fix(files: list[Path], out_dir: Path) -> int:
    out_dir.mkdir(exist_ok=True)
    done = 0
    for p in files:
        v = check_file(p)
        if not (v.fixable and v.fix_advised):
            continue
        data, _ = read_photo_file(p)
        assert data is not None
        r = fix_photo(data, filename=p.name)
        (out_dir / r.filename).write_bytes(r.data)
        done += 1
    return done


PHASES: dict[str, tuple[str, Callable[[list[Path], Path], int]]] = {
    "pillow": ("bare Pillow open+load", phase_pillow),
    "check": ("check_file", phase_check),
    "fix": ("check + fix_photo + write", phase_fix),
}


def _status_kb(key: str) -> int | None:
    """VmRSS / VmHWM of this process in KiB (Linux), else None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Start VmHWM again from the current RSS (Linux: /proc/self/clear_refs, value 5).
    ru_maxrss cannot be used for a child: it keeps the parent's peak across fork+exec."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def run_phase(name: str, folder: Path, trace: bool) -> dict[str, Any]:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    out_dir = folder.parent / f"out-{name}"
    rss0 = _status_kb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reset = _reset_peak_rss()
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    result = PHASES[name][1](files, out_dir)
    wall = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    hwm = _status_kb("VmHWM") if reset else None
    rss = hwm or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"files": len(files), "result": result, "wall": wall, "rss0_kb": rss0,
            "rss_kb": rss, "traced": peak}


def in_subprocess(name: str, folder: Path, trace: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--phase", name, "--folder", str(folder)]
    if trace:
        cmd.append("--trace")
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return dict(json.loads(p.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------- (a) single photos
def median_ms(fn: Callable[[], object], n: int) -> float:
    fn()  # warm up (plugin imports, caches)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def pillow_load(p: Path) -> None:
    with Image.open(p) as im:
        im.load()


def table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    out("  " + "  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                         for i, (h, w) in enumerate(zip(headers, widths, strict=True))))
    for r in rows:
        out("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--count", type=int, default=1000, help="photos in the folder (1000)")
    ap.add_argument("--dir", type=Path, help="work under this directory")
    ap.add_argument("--keep", action="store_true", help="keep the files afterwards")
    ap.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.folder, args.trace)))
        return 0

    work = Path(tempfile.mkdtemp(prefix="classdesk-photo-bench-", dir=args.dir))
    out(f"ClassDesk photo benchmark — Python {platform.python_version()}, Pillow "
        f"{PIL.__version__}, {platform.machine()}, {os.cpu_count()} CPUs, {work}")
    try:
        single = work / "single"
        single.mkdir()
        phone = single / "phone.jpg"
        phone.write_bytes(encode(picture(4000, 3000, 1, grain=0.07), quality=90))
        small = single / "small.jpg"
        small.write_bytes(encode(picture(358, 441, 2), quality=75))
        phone_data = phone.read_bytes()
        out("\n(a) one photo (median of repeated runs, warm)")
        rows = [
            ["check_file, small passing JPEG 358×441",
             f"{small.stat().st_size:,} B", f"{median_ms(lambda: check_file(small), 200):.2f}"],
            ["bare Pillow open+load, same file", "",
             f"{median_ms(lambda: pillow_load(small), 200):.2f}"],
            ["check_file, phone JPEG 4000×3000 (12 MP)",
             f"{phone.stat().st_size:,} B", f"{median_ms(lambda: check_file(phone), 30):.1f}"],
            ["bare Pillow open+load, same file", "",
             f"{median_ms(lambda: pillow_load(phone), 15):.1f}"],
            ["fix_photo, phone JPEG 4000×3000 (12 MP)", "",
             f"{median_ms(lambda: fix_photo(phone_data), 15):.1f}"],
        ]
        r = fix_photo(phone_data)
        table(["operation", "file", "ms"], rows)
        out(f"  fixed: {r.width}×{r.height}, {len(r.data):,} bytes, quality {r.quality}, "
            f"{r.verdict.summary}")

        folder = work / "photos"
        t0 = time.perf_counter()
        made = make_folder(folder, args.count)
        size = sum(p.stat().st_size for p in folder.iterdir())
        out(f"\n(b) a folder of {args.count:,} photos, {size / 2**20:,.0f} MiB "
            f"(made in {time.perf_counter() - t0:.0f} s): "
            + ", ".join(f"{k} {v}" for k, v in made.items()))
        rows = []
        for name, (label, _) in PHASES.items():
            timed = in_subprocess(name, folder, trace=False)
            traced = in_subprocess(name, folder, trace=True)
            what = {"pillow": "opened", "check": "passed", "fix": "fixed"}[name]
            rows.append([
                label, f"{timed['wall']:.1f}", f"{timed['wall'] / timed['files'] * 1000:.1f}",
                f"{timed['rss_kb'] / 1024:.0f}",
                f"{(timed['rss_kb'] - timed['rss0_kb']) / 1024:.0f}",
                f"{traced['traced'] / 2**20:.1f}", f"{timed['result']} {what}",
            ])
        table(["phase (fresh process each)", "wall s", "ms/file", "peak RSS MiB",
               "RSS growth MiB", "tracemalloc MiB", "result"], rows)
        out("  peak RSS = the phase process's high-water mark (VmHWM, reset after imports; "
            "interpreter and imports included); growth = peak minus the RSS after imports.")
    finally:
        if args.keep:
            out(f"\nkept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
