"""Year-month values: 年月 (birth) and 毕业时间, which the paper form writes as YYMM."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import total_ordering


@total_ordering
@dataclass(frozen=True, slots=True)
class YearMonth:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")
        if not 1900 <= self.year <= 2100:
            raise ValueError(f"year {self.year} out of range")

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, YearMonth):
            return NotImplemented
        return (self.year, self.month) < (other.year, other.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def of(cls, d: date) -> YearMonth:
        return cls(d.year, d.month)

    def to_yymm(self) -> str:
        """2009-07 → "0907", as the paper form's 毕业时间 boxes want it."""
        return f"{self.year % 100:02d}{self.month:02d}"

    @classmethod
    def from_yymm(cls, text: str, today: date | None = None) -> YearMonth:
        """ "0907" → 2009-07. The century is the latest that is not after `today`."""
        s = unicodedata.normalize("NFKC", text).strip()
        if not re.fullmatch(r"\d{4}", s):
            raise ValueError("毕业时间应为4位数字：年份后两位加月份，如 0907")
        yy, mm = int(s[:2]), int(s[2:])
        ref = today or date.today()
        year = (ref.year // 100) * 100 + yy
        if (year, mm) > (ref.year, ref.month):
            year -= 100
        return cls(year, mm)

    @classmethod
    def parse(cls, text: str, today: date | None = None) -> YearMonth:
        """Accept "0907", "200907", "2009-07", "2009.7", "2009年7月", "2009/07"."""
        s = unicodedata.normalize("NFKC", text).strip()
        if re.fullmatch(r"\d{4}", s):
            return cls.from_yymm(s, today)
        m = re.fullmatch(r"(\d{4})\s*(?:[-./年]\s*)?(\d{1,2})\s*月?", s)
        if m:
            return cls(int(m.group(1)), int(m.group(2)))
        raise ValueError("年月格式不对：请写成 2009-07，或按纸质表写 0907")
