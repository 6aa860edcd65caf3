"""A class's settings as a JSON file (班次设置文件): written for a county contact, read back
as hostile input — regular file, size, UTF-8 JSON, every key's type and range — before
anything reaches the database."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from app.domain.class_settings import (
    MAX_POINTS,
    SETTING_LABELS,
    ClassSettings,
    PointSettings,
    validate_settings,
)
from app.services.errors import ServiceError
from app.services.excel_guard import UnsafeFileError, read_input_bytes
from app.services.private_files import write_private

MAX_FILE_BYTES = 256 * 1024
"""A class's settings are ~3 KB; a bigger file is not one."""
MAX_DEPTH = 4
FORMAT = "classdesk-class-settings"
FORMAT_VERSION = 1

TEXT_KEYS = ("code", "occupation", "level_name", "class_name", "city", "training_period",
             "payee_name", "payee_bank", "payee_account", "source")
INT_KEYS = ("year", "level", "min_trainees", "training_fee", "exam_fee")
DATE_KEYS = ("registration_deadline", "county_deadline")
REQUIRED = ("code", "year", "level", "level_name", "class_name", "training_fee", "exam_fee",
            "registration_deadline", "points")
KNOWN = {*TEXT_KEYS, *INT_KEYS, *DATE_KEYS, "points", "format", "format_version"}
POINT_KEYS = {"name", "target", "note", "county", "aliases"}


class ClassFileError(ServiceError):
    """The file is not a class's settings: what is wrong and what to do, in Chinese."""


def _bad(path: Path, what: str) -> ClassFileError:
    return ClassFileError(f"「{path.name}」不是可用的班次设置文件：{what}。数据库没有改动。"
                          "请让对方用 ClassDesk 的“导出班次设置”重新导出，或核对后再试。")


def _depth(value: Any, level: int = 0) -> int:
    if isinstance(value, dict):
        return max([level + 1, *(_depth(v, level + 1) for v in value.values())])
    if isinstance(value, list):
        return max([level + 1, *(_depth(v, level + 1) for v in value)])
    return level


def _text(path: Path, data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise _bad(path, f"“{SETTING_LABELS.get(key, key)}”（{key}）应是文字")
    return value.strip()


def _int(path: Path, data: dict[str, Any], key: str, label: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(path, f"“{label}”（{key}）应是整数，文件里是「{str(value)[:40]}」")
    if not -10**9 < value < 10**9:
        raise _bad(path, f"“{label}”（{key}）的数 {str(value)[:20]} 超出范围")
    return value


def _date(path: Path, data: dict[str, Any], key: str) -> date | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) != 10:
        raise _bad(path, f"“{SETTING_LABELS[key]}”（{key}）应是 2022-10-09 这样的日期")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _bad(path, f"“{SETTING_LABELS[key]}”「{value}」不是日期，应如 2022-10-09"
                   ) from None


def _point(path: Path, i: int, p: Any) -> PointSettings:
    if not isinstance(p, dict):
        raise _bad(path, f"第 {i} 个报名点应是 {{\"name\": …, \"target\": …}} 这样的一项")
    unknown = set(p) - POINT_KEYS
    if unknown:
        raise _bad(path, f"第 {i} 个报名点有不认识的项 {sorted(unknown)[:3]}")
    name = _text(path, p, "name")
    if not name:
        raise _bad(path, f"第 {i} 个报名点没有名称（name）")
    aliases = p.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise _bad(path, f"报名点「{name[:20]}」的别名（aliases）应是文字的列表")
    if len(aliases) > 20:
        raise _bad(path, f"报名点「{name[:20]}」的别名太多（最多 20 个）")
    county = p.get("county", False)
    if not isinstance(county, bool):
        raise _bad(path, f"报名点「{name[:20]}」的 county 应是 true 或 false")
    return PointSettings(name=name, target=_int(path, p, "target", f"{name[:20]}的目标人数"),
                         note=_text(path, p, "note"), county=county,
                         aliases=tuple(a.strip() for a in aliases if a.strip()))


def settings_from_json(path: Path, data: Any) -> ClassSettings:
    """The settings a parsed file holds, or ClassFileError saying what is wrong."""
    if not isinstance(data, dict):
        raise _bad(path, "最外层应是 { … } 这样的一组设置")
    if _depth(data) > MAX_DEPTH:
        raise _bad(path, "嵌套层数过多")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise _bad(path, "缺少 " + "、".join(f"“{SETTING_LABELS[k]}”（{k}）" for k in missing))
    unknown = set(data) - KNOWN
    if unknown:
        raise _bad(path, f"有不认识的项 {sorted(unknown)[:3]}")
    if data.get("format", FORMAT) != FORMAT:
        raise _bad(path, "它的格式（format）不是班次设置")
    version = data.get("format_version", FORMAT_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version > FORMAT_VERSION:
        raise ClassFileError(f"「{path.name}」由更新版本的 ClassDesk 导出（格式版本 "
                             f"{str(version)[:10]}）：请先升级本机程序。数据库没有改动。")
    points = data["points"]
    if not isinstance(points, list):
        raise _bad(path, "报名点（points）应是一个列表")
    if len(points) > MAX_POINTS:
        raise _bad(path, f"报名点太多（{len(points)} 个，最多 {MAX_POINTS} 个）")
    texts = {k: _text(path, data, k) for k in TEXT_KEYS}
    ints = {k: _int(path, data, k, SETTING_LABELS[k]) for k in INT_KEYS}
    dates = {k: _date(path, data, k) for k in DATE_KEYS}
    return ClassSettings(**texts, **ints, **dates,  # type: ignore[arg-type]
                         points=tuple(_point(path, i, p) for i, p in enumerate(points, 1)))


def read_class_file(path: Path) -> ClassSettings:
    """A class's settings from `path`, checked as hostile input: ClassFileError (or
    UnsafeFileError) with a Chinese message when anything is wrong, including a setting
    that breaks the rules (app.domain.class_settings.validate_settings)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ClassFileError(f"找不到文件「{path}」。请检查路径。") from None
    except OSError as e:
        raise ClassFileError(f"无法读取「{path}」（{e.strerror}）：请检查文件的权限。") from None
    if not stat.S_ISREG(st.st_mode):
        raise ClassFileError(f"「{path}」不是普通文件（是文件夹、管道或设备）：请选择导出的"
                             "班次设置文件（.json）。")
    try:
        raw = read_input_bytes(path, MAX_FILE_BYTES)
    except UnsafeFileError as e:
        if st.st_size > MAX_FILE_BYTES:
            raise ClassFileError(
                f"「{path.name}」有 {st.st_size // 1024} KB，太大了：班次设置文件只有几 KB"
                f"（最多 {MAX_FILE_BYTES // 1024} KB）。请确认选对了文件。数据库没有改动。"
            ) from None
        raise ClassFileError(e.message) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad(path, "它不是 UTF-8 编码的文字文件") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        where = f"第 {e.lineno} 行" if isinstance(e, json.JSONDecodeError) else "某处"
        raise _bad(path, f"它不是有效的 JSON（{where}有错）") from None
    settings = settings_from_json(path, data)
    errors = [p for p in validate_settings(settings) if p.is_error]
    if errors:
        raise ClassFileError(f"「{path.name}」里的班次设置有问题，没有导入（数据库没有改动）：\n"
                             + "\n".join(f"· {p.message}" for p in errors[:10]))
    return settings


def settings_to_json(settings: ClassSettings) -> dict[str, Any]:
    """What a class's settings file holds (the same keys as resources/campaigns)."""
    d = asdict(settings)
    for key in DATE_KEYS:
        value = d[key]
        d[key] = value.isoformat() if value is not None else ""
    points = []
    for p in settings.points:
        entry: dict[str, Any] = {"name": p.name, "target": p.target, "note": p.note}
        if p.county:
            entry["county"] = True
        if p.aliases:
            entry["aliases"] = list(p.aliases)
        points.append(entry)
    d["points"] = points
    return {"format": FORMAT, "format_version": FORMAT_VERSION, **d}


def write_class_file(settings: ClassSettings, out: Path) -> Path:
    """Write the settings file, owner-only."""
    text = json.dumps(settings_to_json(settings), ensure_ascii=False, indent=2) + "\n"
    try:
        return write_private(Path(out), text.encode("utf-8"))
    except OSError as e:
        raise ServiceError(f"写文件「{out}」失败（{e.strerror}）：请检查文件夹是否存在、"
                           "磁盘空间和权限。") from e
