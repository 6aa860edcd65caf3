"""Administrative region codes (GB/T 2260) that ID numbers start with: Nantong's, old and new."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Region:
    """One Nantong code. Years are when the code was in use; None means open-ended.

    An ID number keeps the code that was current when it was first issued, so a code
    that was abolished long ago (320622 如皋县) or created after the person's birth
    (320684 海门市 for someone born in 1960) is still perfectly valid in an ID number.
    """

    code: str
    name: str
    valid_from: int | None = None
    valid_until: int | None = None
    note: str = ""

    @property
    def is_current(self) -> bool:
        return self.valid_until is None


PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}
"""Province-level codes, the first two digits of an ID number."""

NANTONG_PREFIX = "3206"

NANTONG_REGIONS: dict[str, Region] = {
    r.code: r
    for r in (
        Region("320600", "南通市"),
        Region("320601", "市辖区", 1983),
        Region("320602", "崇川区", 1983, 2020, "1983–1990年名为城区；2020年起崇川区用320613"),
        Region("320611", "港闸区", 1983, 2020, "1983–1990年名为郊区；2020年撤销并入崇川区"),
        Region("320612", "通州区", 2009, None, "2009年通州市撤市设区"),
        Region("320613", "崇川区", 2020, None, "2020年崇川区、港闸区合并后的新代码"),
        Region("320614", "海门区", 2020, None, "2020年海门市撤市设区"),
        Region("320621", "海安县", 1983, 2018, "2018年撤县设市，改用320685"),
        Region("320622", "如皋县", 1983, 1991, "1991年撤县设市，改用320682"),
        Region("320623", "如东县", 1983),
        Region("320624", "南通县", 1983, 1993, "1993年撤县设通州市，改用320683"),
        Region("320625", "海门县", 1983, 1994, "1994年撤县设市，改用320684"),
        Region("320626", "启东县", 1983, 1989, "1989年撤县设市，改用320681"),
        Region("320671", "南通经济技术开发区", None, None, "较新的代码表中使用"),
        Region("320681", "启东市", 1989),
        Region("320682", "如皋市", 1991),
        Region("320683", "通州市", 1993, 2009, "2009年撤市设通州区，改用320612"),
        Region("320684", "海门市", 1994, 2020, "2020年撤市设海门区，改用320614"),
        Region("320685", "海安市", 2018, None, "2018年海安县撤县设市"),
    )
}
"""Every code an ID number from Nantong may carry, including retired ones."""

SPECIAL_REGIONS: dict[str, str] = {
    "810000": "香港特别行政区（港澳台居民居住证）",
    "820000": "澳门特别行政区（港澳台居民居住证）",
    "830000": "台湾地区（港澳台居民居住证）",
}
"""Residence-permit prefixes: 18-digit numbers of the same shape that are not GB/T 2260 codes."""

_YEAR_TAG = re.compile(r"^\[(\d*)-(\d*)\]")
# Grouping rows of the code table that are not places; "北京市市辖区东城区" reads wrong.
_PLACEHOLDER_PREFECTURES = frozenset(
    {
        "市辖区",
        "县",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
        "省直辖行政单位",
        "省直辖县级行政单位",
    }
)


def is_known_province(code2: str) -> bool:
    """Whether the first two digits of an ID number name a province-level region."""
    return code2 in PROVINCES


def is_nantong(code6: str) -> bool:
    return code6.startswith(NANTONG_PREFIX)


def nantong_region(code6: str) -> Region | None:
    return NANTONG_REGIONS.get(code6)


def region_name(code6: str) -> str | None:
    """A readable place for a six-digit code, e.g. "江苏省南通市海门市"; None when unknown.

    Nantong codes come from our own table, which knows the retired and the newest codes.
    Other codes are looked up in python-stdnum's copy of GB/T 2260, read directly rather
    than through `stdnum.cn.ric`, whose birth-year check rejects genuine numbers.
    """
    if len(code6) != 6 or not code6.isdigit():
        return None
    if code6 in SPECIAL_REGIONS:
        return SPECIAL_REGIONS[code6]
    province = PROVINCES.get(code6[:2])
    if province is None:
        return None
    if code6[2:] == "0000":
        return province
    if is_nantong(code6):
        region = NANTONG_REGIONS.get(code6)
        if region is None:
            return None
        if code6 == "320600":
            return province + region.name
        return province + "南通市" + region.name
    county = _stdnum_county(code6)
    if county is None:
        return None
    prefecture = _stdnum_county(code6[:4] + "00") if code6[4:] != "00" else None
    if prefecture and prefecture != county and prefecture not in _PLACEHOLDER_PREFECTURES:
        return province + prefecture + county
    return province + county


@lru_cache(maxsize=4096)
def _stdnum_county(code6: str) -> str | None:
    """The latest name stdnum's table gives a code; None if it has none or cannot load."""
    try:
        from stdnum import numdb

        results = numdb.get("cn/loc").info(code6)
    except Exception:  # a missing or broken data file must never break ID checking
        return None
    names: list[str] = []
    for _part, props in results:
        county = props.get("county")
        if county:
            names = [_YEAR_TAG.sub("", n) for n in county.split(",")]
    return names[-1] if names else None
