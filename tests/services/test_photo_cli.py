"""`python -m app photo check|fix`: the table, before → after, exit codes; inputs untouched."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.cli.parser import main
from tests.support.photos import encode, jpeg, picture

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    d = tmp_path / "收到的照片"
    d.mkdir()
    (d / "张三.jpg").write_bytes(jpeg(358, 441, quality=80))  # passes
    (d / "李四.jpg").write_bytes(jpeg(4000, 3000))  # a phone photo
    (d / "王五.jpg").write_bytes(encode(picture(600, 800), "PNG"))  # PNG renamed
    (d / "赵六.jpg").write_bytes(jpeg(800, 1100)[:4000])  # truncated
    (d / "小.jpg").write_bytes(jpeg(100, 100))  # too small
    (d / "说明.txt").write_text("not a photo")  # not picked up from a folder
    return d


def test_check_passing_files_exits_0(capsys, tmp_path):
    p = tmp_path / "张三.jpg"
    p.write_bytes(jpeg(358, 441, quality=80))
    code, out, _ = run(capsys, "photo", "check", str(p))
    assert code == 0
    header, row = out.splitlines()[:2]
    assert header.split() == ["文件", "大小", "像素", "结论", "原因"]
    assert "358×441" in row and "合格" in row and f"{p.stat().st_size:,} 字节" in row
    assert "合格 1，不合格 0" in out


def test_check_a_folder_lists_every_photo_and_exits_1(capsys, batch):
    code, out, _ = run(capsys, "photo", "check", str(batch))
    assert code == 1
    lines = {line.split()[0].rsplit("/", 1)[-1]: line for line in out.splitlines()[1:6]}
    assert set(lines) == {"张三.jpg", "李四.jpg", "王五.jpg", "赵六.jpg", "小.jpg"}
    assert "合格" in lines["张三.jpg"] and "不合格" not in lines["张三.jpg"]
    assert "4000×3000" in lines["李四.jpg"] and "超过 20KB" in lines["李四.jpg"]
    assert "内容是 PNG，不是 JPEG" in lines["王五.jpg"]
    assert "文件不完整" in lines["赵六.jpg"]
    assert "100×100 像素" in lines["小.jpg"]
    assert "共 5 个文件：合格 1，不合格 4" in out
    assert "说明.txt" not in out


def test_check_odd_paths(capsys, tmp_path):
    code, _, err = run(capsys, "photo", "check", str(tmp_path / "没有这个.jpg"))
    assert code == 2 and "找不到" in err
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    code, _, err = run(capsys, "photo", "check", str(empty))
    assert code == 2 and "没有照片文件" in err
    (tmp_path / "空.jpg").write_bytes(b"")
    code, out, _ = run(capsys, "photo", "check", str(tmp_path / "空.jpg"))
    assert code == 1 and "文件是空的" in out
    with pytest.raises(SystemExit) as e:
        main(["photo", "check"])
    assert e.value.code == 2
    assert run(capsys, "photo")[0] == 2


def test_fix_writes_fixed_copies_and_leaves_the_inputs(capsys, batch, tmp_path):
    before = digest(batch)
    out_dir = tmp_path / "修复后"
    code, out, _ = run(capsys, "photo", "fix", str(batch), "--out", str(out_dir))
    assert code == 1  # the truncated and the too-small one cannot be fixed
    assert digest(batch) == before
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(["张三.jpg", "李四.jpg", "王五.jpg"])
    for name in ("李四.jpg", "王五.jpg"):
        data = (out_dir / name).read_bytes()
        assert data[:2] == b"\xff\xd8" and len(data) < 20_000
        im = Image.open(out_dir / name)
        assert im.format == "JPEG" and im.mode == "RGB" and not im.info.get("progressive")
        assert im.width <= 413 and im.height <= 579
    assert Image.open(out_dir / "李四.jpg").size == (413, 578)
    assert (out_dir / "张三.jpg").read_bytes() == (batch / "张三.jpg").read_bytes()  # copied
    lines = out.splitlines()
    li = next(line for line in lines if "李四.jpg：" in line)
    assert "JPEG 4000×3000" in li and "不合格 →" in li and "413×578" in li and "合格" in li
    assert "原样复制" in next(line for line in lines if "张三.jpg：" in line)
    assert "文件不完整" in next(line for line in lines if "赵六.jpg：" in line)
    assert "无法修复 2 个" in out


def test_fix_all_fixable_exits_0_and_no_crop(capsys, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.png").write_bytes(encode(picture(4000, 3000), "PNG"))
    code, out, _ = run(capsys, "photo", "fix", str(src / "a.png"), "--out", str(tmp_path / "o"),
                       "--no-crop")
    assert code == 0, out
    assert Image.open(tmp_path / "o" / "a.jpg").size == (413, 310)


def test_fix_into_the_input_folder_only_when_nothing_is_overwritten(capsys, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.png").write_bytes(encode(picture(600, 800), "PNG"))
    (src / "b.jpg").write_bytes(jpeg(1200, 1600))
    before = digest(src)
    code, _, err = run(capsys, "photo", "fix", str(src), "--out", str(src))
    assert code == 2 and "会覆盖原文件" in err and "b.jpg" in err
    assert digest(src) == before  # nothing written
    code, _, _ = run(capsys, "photo", "fix", str(src / "a.png"), "--out", str(src))
    assert code == 0  # a.png → a.jpg beside it: no source is overwritten
    assert (src / "a.jpg").read_bytes()[:2] == b"\xff\xd8"
    assert (src / "a.png").read_bytes() == (tmp_path / "in" / "a.png").read_bytes()


def test_fix_two_inputs_with_one_stem_get_two_outputs(capsys, tmp_path):
    (tmp_path / "a.png").write_bytes(encode(picture(600, 800), "PNG"))
    (tmp_path / "a.jpg").write_bytes(jpeg(1200, 1600))
    out_dir = tmp_path / "o"
    code, _, _ = run(capsys, "photo", "fix", str(tmp_path / "a.png"), str(tmp_path / "a.jpg"),
                     "--out", str(out_dir))
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["a (2).jpg", "a.jpg"]


def test_fix_bad_arguments(capsys, tmp_path):
    p = tmp_path / "a.jpg"
    p.write_bytes(jpeg(1200, 1600))
    with pytest.raises(SystemExit) as e:
        main(["photo", "fix", str(p)])  # no --out
    assert e.value.code == 2
    f = tmp_path / "file"
    f.write_text("x")
    code, _, err = run(capsys, "photo", "fix", str(p), "--out", str(f))
    assert code == 2 and "不是文件夹" in err


def test_python_dash_m_app_photo_needs_no_database(tmp_path):
    p = tmp_path / "a.jpg"
    p.write_bytes(jpeg(358, 441, quality=80))
    env = dict(os.environ, CLASSDESK_DB=str(tmp_path / "never.sqlite3"))
    r = subprocess.run([sys.executable, "-m", "app", "photo", "check", str(p)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "合格" in r.stdout
    assert not (tmp_path / "never.sqlite3").exists()
