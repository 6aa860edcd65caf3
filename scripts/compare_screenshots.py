"""Compare two folders of screenshots (scripts/screenshots.py) pixel by pixel.

    python scripts/compare_screenshots.py BEFORE AFTER [--diff DIR]

For every PNG found in either folder (same relative path): identical, the number of
differing pixels and their bounding box, a different size, or missing on one side. With
`--diff`, writes an image per differing page with the changed pixels in red over a faded
copy of AFTER. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageChops


def compare(before: Path, after: Path, diff_dir: Path | None) -> tuple[str, bool]:
    a = Image.open(before).convert("RGBA")
    b = Image.open(after).convert("RGBA")
    if a.size != b.size:
        return f"size differs: {a.size[0]}x{a.size[1]} → {b.size[0]}x{b.size[1]}", False
    delta = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v else 0)
    box = delta.getbbox()
    if box is None:
        return "identical", True
    changed = delta.histogram()[255]
    total = a.size[0] * a.size[1]
    if diff_dir is not None:
        diff_dir.mkdir(parents=True, exist_ok=True)
        faded = Image.blend(b.convert("RGB"), Image.new("RGB", b.size, "white"), 0.7)
        faded.paste(Image.new("RGB", b.size, (255, 0, 0)), mask=delta)
        faded.save(diff_dir / f"{after.parent.name}_{after.name}")
    return f"{changed} of {total} pixels differ, within {box}", False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--diff", type=Path, help="write images marking the changed pixels")
    args = parser.parse_args()
    names = sorted(
        {p.relative_to(args.before) for p in args.before.rglob("*.png")}
        | {p.relative_to(args.after) for p in args.after.rglob("*.png")}
    )
    same = True
    for name in names:
        b, a = args.before / name, args.after / name
        if not b.exists() or not a.exists():
            text, ok = f"only in {'after' if a.exists() else 'before'}", False
        else:
            text, ok = compare(b, a, args.diff)
        same &= ok
        print(f"{name}: {text}")
    print(f"{len(names)} screenshots: {'all identical' if same else 'some differ'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
