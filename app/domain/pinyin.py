"""Pinyin of applicants' names, so that typing "zs" finds 张三 and "cxh" or "zxh" 曾小红."""

from __future__ import annotations

import itertools
from functools import lru_cache

from app.domain.contact import is_cjk_ideograph, normalize_name

# pypinyin 0.55 has no surname mode, and for a lone character it lists the commonest
# reading first: 曾 → ceng, 单 → dan. As a surname these characters are read otherwise,
# and the surname reading should be the first variant (it is what name_pinyin shows).
_SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "曾": ("zeng",),
    "单": ("shan",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "查": ("zha",),
    "朴": ("piao",),
    "乐": ("yue", "le"),
    "盖": ("ge", "gai"),
    "缪": ("miao",),
    "翟": ("zhai",),
    "覃": ("qin",),
    "尉": ("wei", "yu"),
    "召": ("shao",),
    "隗": ("wei",),
    "秘": ("bi",),
    "种": ("chong",),
    "员": ("yun",),
    "过": ("guo",),
    "句": ("gou",),
    "黑": ("he",),
    "祭": ("zhai",),
    "宿": ("su",),
    "柏": ("bai",),
    "薄": ("bo",),
    "折": ("she",),
    "冼": ("xian",),
    "洗": ("xian",),
    "贲": ("ben",),
    "厍": ("she",),
    "訾": ("zi",),
    "那": ("na",),
    "曲": ("qu",),
    "藏": ("zang",),
    "燕": ("yan",),
    "粘": ("nian",),
    "相": ("xiang",),
    "都": ("du",),
    "卜": ("bu",),
    "蔚": ("yu", "wei"),
    "长": ("chang",),
    "沈": ("shen",),
    "任": ("ren",),
    "纪": ("ji",),
    "谌": ("chen", "shen"),
    "叶": ("ye",),
    "万": ("wan",),
    "重": ("chong",),
    "朝": ("chao",),
    "便": ("pian",),
    "么": ("yao",),
    "乜": ("nie",),
    "阚": ("kan",),
    "隽": ("juan",),
    "郇": ("huan", "xun"),
}
_COMPOUND_SURNAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "万俟": (("mo",), ("qi",)),
    "尉迟": (("yu",), ("chi",)),
    "单于": (("chan",), ("yu",)),
    "长孙": (("zhang",), ("sun",)),
    "澹台": (("tan",), ("tai",)),
    "令狐": (("ling",), ("hu",)),
    "亓官": (("qi",), ("guan",)),
    "乐正": (("yue",), ("zheng",)),
    "查干": (("cha",), ("gan",)),
}
# In given names 长 is far more often chang (长江, 长青) than zhang.
_GIVEN_NAME_READINGS: dict[str, tuple[str, ...]] = {"长": ("chang",)}


@lru_cache(maxsize=1 << 16)
def char_readings(ch: str) -> tuple[str, ...]:
    """All toneless readings pypinyin knows for one character; () when it knows none."""
    # Imported on first use: loading its phrase tables costs ~140 ms of the window's start.
    from pypinyin import Style, pinyin

    result = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    if not result:
        return ()
    return tuple(dict.fromkeys(r.lower() for r in result[0] if r and r.isascii()))


def _prefer(readings: tuple[str, ...], preferred: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*preferred, *readings))) if readings else preferred


@lru_cache(maxsize=1 << 14)
def _options(name: str) -> tuple[tuple[bool, tuple[str, ...]], ...]:
    """Per position: whether it is a Latin run, and the readings (preferred first)."""
    s = normalize_name(name)
    compound = _COMPOUND_SURNAMES.get(s[:2])
    options: list[tuple[bool, tuple[str, ...]]] = []
    latin = ""
    for i, ch in enumerate(s):
        if ch.isascii() and ch.isalnum():
            latin += ch.lower()
            continue
        if latin:
            options.append((True, (latin,)))
            latin = ""
        if not is_cjk_ideograph(ch):
            continue  # the 间隔号, spaces and stray symbols carry no sound
        readings = char_readings(ch)
        if compound is not None and i < 2:
            readings = _prefer(readings, compound[i])
        elif i == 0 and ch in _SURNAME_READINGS:
            readings = _prefer(readings, _SURNAME_READINGS[ch])
        elif i > 0 and ch in _GIVEN_NAME_READINGS:
            readings = _prefer(readings, _GIVEN_NAME_READINGS[ch])
        if readings:
            options.append((False, readings))
    if latin:
        options.append((True, (latin,)))
    return tuple(options)


def _combine(options: list[tuple[str, ...]], limit: int) -> list[str]:
    """Joined choices, fewest departures from the preferred reading first, at most `limit`.

    Enumerating by the number of departures keeps the surname's alternative readings
    in the list even for long names full of polyphonic characters.
    """
    results: dict[str, None] = {}
    alternatives = [i for i, opts in enumerate(options) if len(opts) > 1]
    for k in range(len(alternatives) + 1):
        for positions in itertools.combinations(alternatives, k):
            ranges = [range(1, len(options[p])) for p in positions]
            for choice in itertools.product(*ranges):
                pick = [opts[0] for opts in options]
                for p, c in zip(positions, choice, strict=True):
                    pick[p] = options[p][c]
                results["".join(pick)] = None
                if len(results) >= limit:
                    return list(results)
    return list(results)


def name_initials(name: str, max_variants: int = 8) -> list[str]:
    """Lower-case initials, every reading of polyphonic characters: 曾小红 → zxh, cxh, ….

    The first variant reads the surname as a surname. Latin letters are kept whole and
    lower-cased; the 间隔号 and other symbols are dropped. [] when nothing is readable.
    """
    options = [
        readings if is_latin else tuple(dict.fromkeys(r[0] for r in readings))
        for is_latin, readings in _options(name)
    ]
    if not options:
        return []
    return _combine(options, max(1, max_variants))


def name_pinyin(name: str) -> str:
    """Full toneless pinyin of the first variant, no spaces: 张三 → "zhangsan"."""
    return "".join(readings[0] for _is_latin, readings in _options(name))
