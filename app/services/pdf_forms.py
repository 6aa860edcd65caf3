"""The paper forms drawn on a reportlab canvas: 附件2 (registration form, with the photo
and the paper codes), its back (报考信息说明), and 附件4 (skill-evaluation application
form), laid out like the notice's forms on A4.

Text is drawn in the font registered as FONT_NAME (app.services.pdf_font finds and
registers a TrueType CJK font under that name before anything is drawn).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from app.domain.applicant import ApplicantData
from app.domain.codes import CodeEnum
from app.domain.form_notes import (
    BACK_TITLE,
    CODES_HEAD,
    FILLING_RULE,
    PHOTO_RULE,
    SERIAL_RULE,
    code_lines,
)
from app.domain.yearmonth import YearMonth
from app.services.pdf_font import FONT_NAME

FORM2_ANNEX = "附件2"
FORM2_TITLE = "助理信用管理师职业技能培训报名表"
"""The 2021 class's 附件2 title; form2_title gives any class's."""


def form2_title(level_name: str) -> str:
    """附件2's title from the class's level name."""
    return f"{level_name}职业技能培训报名表"

FORM4_ANNEX = "附件4"
FORM4_TITLE = "职业技能等级评价申请表"
NOT_FOR_INDIVIDUAL = "（个人报名该栏不用填写）"
STAMP = "（单位盖章）"
DATE_BLANK = "年      月      日"
CODES_NOTE = "注：有关信息代码的填写说明见背面"
PHOTO_HINT = ("照片", "（近期1寸免冠）", "", "轻微贴", "照片处")
SPLIT_LINE = "以上部分由考生填写，以下部分由鉴定机构填写"
BLANK_SIDE = "（此面空白）"


def _code(v: CodeEnum | None) -> str:
    """The paper code in the box and its meaning: "3 大学专科"."""
    return v.display if v is not None else ""


def _label(v: CodeEnum | None) -> str:
    return v.label if v is not None else ""


def _ym(v: YearMonth | None) -> str:
    return f"{v.year:04d}.{v.month:02d}" if v is not None else ""


def _num(v: int | None, unit: str = "") -> str:
    return f"{v}{unit}" if v is not None else ""


def phones(d: ApplicantData) -> str:
    return " / ".join(x for x in (d.mobile, d.phone) if x)


PAGE_W, PAGE_H = A4
LEFT = 20 * mm
WIDTH = 170 * mm
LINE = 0.8
BODY = 10.5  # pt, the grid's text
MIN_SIZE = 6.0


class Page:
    """Canvas helpers in millimetres from the page's bottom-left corner."""

    def __init__(self, c: Canvas) -> None:
        self.c = c

    def text(self, s: str, x: float, y: float, size: float = BODY,
             align: str = "left") -> None:
        c = self.c
        c.setFont(FONT_NAME, size)
        if align == "center":
            c.drawCentredString(x, y, s)
        elif align == "right":
            c.drawRightString(x, y, s)
        else:
            c.drawString(x, y, s)

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.c.rect(x, y, w, h, stroke=1, fill=0)

    def fit(self, s: str, x: float, y: float, w: float, h: float, size: float = BODY,
            align: str = "center", pad: float = 1.5 * mm) -> None:
        """`s` inside the cell (x, y, w, h): on one line if it fits at a readable size,
        else wrapped (at "\n" and where the width ends) at the largest size the cell
        holds; what still does not fit is cut at the cell's bottom."""
        if not s:
            return
        inner = w - 2 * pad
        paras = s.split("\n")
        one = size
        while one >= 8.5:  # each line whole, a little smaller if need be
            if (len(paras) * one * 1.2 <= h - pad
                    and all(pdfmetrics.stringWidth(t, FONT_NAME, one) <= inner for t in paras)):
                self._lines(paras, x, y, w, h, one, align, pad)
                return
            one -= 0.5
        while True:
            lines = [part for para in paras for part in wrap(para, inner, size)]
            if len(lines) * size * 1.2 <= h - pad or size <= MIN_SIZE:
                break
            size -= 0.5
        max_lines = max(1, int((h - pad) // (size * 1.2)))
        self._lines(lines[:max_lines], x, y, w, h, size, align, pad)

    def _lines(self, lines: Sequence[str], x: float, y: float, w: float, h: float,
               size: float, align: str, pad: float) -> None:
        lead = size * 1.2
        # vertically centred block; the baseline sits ~0.3 of a size above the line's bottom
        top = y + h / 2 + len(lines) * lead / 2
        for i, line in enumerate(lines):
            base = top - (i + 1) * lead + size * 0.3
            if align == "center":
                self.text(line, x + w / 2, base, size, "center")
            else:
                self.text(line, x + pad, base, size)

    def vertical(self, s: str, x: float, y: float, w: float, h: float,
                 size: float = BODY) -> None:
        """Characters stacked top to bottom, centred in the cell (单/位/意/见)."""
        lead = size * 1.5
        top = y + h / 2 + len(s) * lead / 2
        for i, ch in enumerate(s):
            self.text(ch, x + w / 2, top - (i + 1) * lead + size * 0.35, size, "center")


def wrap(s: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    cur = ""
    for ch in s:
        if cur and pdfmetrics.stringWidth(cur + ch, FONT_NAME, size) > width:
            lines.append(cur)
            cur = ch.lstrip()
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


def row(p: Page, y: float, h: float, cells: Sequence[tuple[float, str, bool]],
         x: float = LEFT) -> None:
    """A row of cells: (width in mm, text, is_label). Labels centred, values left."""
    for w_mm, s, is_label in cells:
        w = w_mm * mm
        p.rect(x, y, w, h)
        p.fit(s, x, y, w, h, align="center" if is_label else "left")
        x += w


@dataclass(frozen=True)
class Photo:
    image: ImageReader
    width: int
    height: int


def photo_image(data: bytes | None) -> Photo | None:
    """The stored photo as reportlab draws it: a JPEG goes into the PDF as it is (no
    re-encoding); anything else readable is converted once. None when unreadable."""
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as im:
            size = im.size
            if im.format in ("JPEG", "MPO") and im.mode in ("RGB", "L", "CMYK"):
                jpeg = data
            else:
                buf = io.BytesIO()
                im.convert("RGB").save(buf, "JPEG", quality=90)
                jpeg = buf.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return Photo(ImageReader(io.BytesIO(jpeg)), size[0], size[1])


def draw_form2(p: Page, d: ApplicantData, serial_text: str, photo: Photo | None,
               title: str) -> None:
    """附件2 filled with `d` (blank for an empty ApplicantData)."""
    top = PAGE_H - 18 * mm
    p.text(FORM2_ANNEX, LEFT, top, 12)
    p.text(title, PAGE_W / 2, top - 14 * mm, 18, "center")
    p.text(f"报名序号：{serial_text}", LEFT + WIDTH, top - 24 * mm, 11, "right")

    rh = 14 * mm
    y = top - 28 * mm  # the grid's top edge
    photo_w = 32
    # rows 1–3 with the photo cell at their right
    y -= rh
    row(p, y, rh, [(18, "姓名", True), (34, d.name, False), (16, "性别", True),
                    (18, _code(d.gender), False), (16, "民族", True),
                    (36, _code(d.ethnicity), False)])
    y -= rh
    p.rect(LEFT, y, 18 * mm, rh)
    p.fit("身份证号", LEFT, y, 18 * mm, rh)
    box = (WIDTH - (18 + photo_w) * mm) / 18
    digits = d.id_number[:18]
    for i in range(18):
        bx = LEFT + 18 * mm + i * box
        p.rect(bx, y, box, rh)
        if i < len(digits):
            p.text(digits[i], bx + box / 2, y + rh / 2 - BODY * 0.35, 12, "center")
    y -= rh
    row(p, y, rh, [(18, "年月", True), (24, _ym(d.birth_ym), False),
                    (18, "政治面貌", True), (30, _code(d.political_status), False),
                    (18, "身份类别", True), (30, _code(d.identity_category), False)])
    px, pw, ph = LEFT + WIDTH - photo_w * mm, photo_w * mm, 3 * rh
    p.rect(px, y, pw, ph)
    if photo is not None:
        pad = 2 * mm
        scale = min((pw - 2 * pad) / photo.width, (ph - 2 * pad) / photo.height)
        iw, ih = photo.width * scale, photo.height * scale
        p.c.drawImage(photo.image, px + (pw - iw) / 2, y + (ph - ih) / 2, iw, ih)
    else:
        lead = 5 * mm
        for i, line in enumerate(PHOTO_HINT):
            if line:
                p.text(line, px + pw / 2, y + ph / 2 + 2 * lead - i * lead - 1 * mm,
                       9, "center")

    y -= rh
    row(p, y, rh, [(18, "毕业学校", True), (96, d.school, False),
                    (24, "信用工作年限", True), (32, _num(d.credit_work_years, " 年"), False)])
    y -= rh
    major = " ".join(x for x in (_code(d.major_relation), d.major_name) if x)
    row(p, y, rh, [(18, "最高学历", True), (30, _code(d.education), False),
                    (18, "毕业时间", True),
                    (18, d.graduation.to_yymm() if d.graduation else "", False),
                    (18, "所学专业", True), (68, major, False)])
    y -= rh
    row(p, y, rh, [(18, "工作单位", True), (104, d.employer, False),
                    (18, "单位性质", True), (30, _code(d.employer_nature), False)])
    y -= rh
    row(p, y, rh, [(18, "通讯地址", True), (104, d.address, False),
                    (18, "邮政编码", True), (30, d.postal_code, False)])
    y -= rh
    row(p, y, rh, [(18, "联系电话", True), (34, d.phone, False), (14, "手机", True),
                    (34, d.mobile, False), (22, "EMAIL地址", True), (48, d.email, False)])
    # 单位意见 | 审批意见: stamp boxes
    sh = 70 * mm
    y -= sh
    x = LEFT
    for label in ("单位意见", "审批意见"):
        lw, bw = 12 * mm, 73 * mm
        p.rect(x, y, lw, sh)
        p.vertical(label, x, y, lw, sh)
        p.rect(x + lw, y, bw, sh)
        p.text(NOT_FOR_INDIVIDUAL, x + lw + 3 * mm, y + sh - 7 * mm, 10)
        p.text(STAMP, x + lw + bw - 6 * mm, y + 15 * mm, 10, "right")
        p.text(DATE_BLANK, x + lw + bw - 6 * mm, y + 7 * mm, 10, "right")
        x += lw + bw
    p.text(CODES_NOTE, LEFT, y - 8 * mm, 10)


def draw_form4(p: Page, d: ApplicantData, age_text: str, level_text: str) -> None:
    """附件4 filled with `d`; `age_text` is the age on the registration deadline."""
    top = PAGE_H - 18 * mm
    p.text(FORM4_ANNEX, LEFT, top, 12)
    p.text(FORM4_TITLE, PAGE_W / 2, top - 14 * mm, 18, "center")
    rh = 15 * mm
    y = top - 24 * mm
    y -= rh
    row(p, y, rh, [(18, "姓名", True), (30, d.name, False), (16, "性别", True),
                    (18, _label(d.gender), False), (16, "年龄", True),
                    (18, age_text, False), (16, "学历", True),
                    (38, _label(d.education), False)])
    y -= rh
    row(p, y, rh, [(18, "身份证号", True), (70, d.id_number, False),
                    (18, "联系电话", True), (64, phones(d), False)])
    y -= rh
    row(p, y, rh, [(18, "通讯地址", True), (104, d.address, False),
                    (18, "邮政编码", True), (30, d.postal_code, False)])
    y -= rh
    row(p, y, rh, [(22, "原证书等级", True), (26, d.prior_cert_level, False),
                    (18, "授证单位", True), (56, d.cert_issuer, False),
                    (18, "授证时间", True), (30, _ym(d.cert_date), False)])
    y -= rh
    row(p, y, rh, [(18, "申报职业", True), (40, "信用管理师", False),
                    (18, "申报等级", True), (30, level_text, False),
                    (18, "专业工龄", True), (46, _num(d.professional_years, " 年"), False)])
    y -= rh
    row(p, y, rh, [(30, "参加过何种\n职业培训（教育）", True), (80, d.training_history, False),
                    (26, "毕（结）\n业时间", True), (34, _ym(d.training_end), False)])
    h = 22 * mm
    y -= h
    row(p, y, h, [(30, "其他证明\n材料", True), (140, d.other_materials, False)])
    h = 10 * mm
    y -= h
    p.rect(LEFT, y, WIDTH, h)
    p.fit(SPLIT_LINE, LEFT, y, WIDTH, h)
    # the evaluation body's part
    h = 70 * mm
    y -= h
    x = LEFT
    p.rect(x, y, 18 * mm, h)
    p.fit("鉴定机构\n资格初审\n意见", x, y, 18 * mm, h)
    x += 18 * mm
    ow = 92 * mm
    p.rect(x, y, ow, h)
    if d.review_opinion:
        p.fit(d.review_opinion, x, y + h - 22 * mm, ow, 20 * mm, align="left")
    p.text(f"审核人签字：{d.reviewer}", x + 30 * mm, y + 15 * mm, 10)
    p.text(DATE_BLANK, x + ow - 6 * mm, y + 7 * mm, 10, "right")
    x += ow
    p.rect(x, y, 18 * mm, h)
    p.fit("准考证号", x, y, 18 * mm, h)
    x += 18 * mm
    p.rect(x, y, 42 * mm, h)
    p.fit(d.admission_no, x, y, 42 * mm, h)
    rh = 12 * mm
    y -= 2 * rh
    p.rect(LEFT, y, 18 * mm, 2 * rh)
    p.fit("各项\n实得分", LEFT, y, 18 * mm, 2 * rh)
    row(p, y + rh, rh, [(26, "项目", True), (42, "知识", True), (42, "技能", True),
                         (42, "综合", True)], x=LEFT + 18 * mm)
    row(p, y, rh, [(26, "分数", True), (42, _num(d.score_knowledge), True),
                    (42, _num(d.score_skill), True), (42, _num(d.score_overall), True)],
         x=LEFT + 18 * mm)


def draw_form2_back(p: Page) -> None:
    """The back of 附件2 (报考信息说明), word for word as the notice prints it: printed
    right after each 附件2, so that a duplex print gives the paper's one sheet."""
    top = PAGE_H - 25 * mm
    p.text(BACK_TITLE, PAGE_W / 2, top, 16, "center")
    y = top - 14 * mm
    size, lead = 11.0, 11.0 * 1.6

    def para(text: str, indent: float = 0.0) -> None:
        nonlocal y
        for line in wrap(text, WIDTH - indent, size):
            p.text(line, LEFT + indent, y, size)
            y -= lead
        y -= 2 * mm

    para(FILLING_RULE)
    para(CODES_HEAD)
    for label, codes in code_lines():
        label_w = 24 * mm
        p.text(f"{label}：", LEFT + 8 * mm, y, size)
        room = WIDTH - 8 * mm - label_w
        line = ""
        for item in codes.split("　"):  # break between codes, never inside one
            wider = f"{line}　{item}" if line else item
            if line and pdfmetrics.stringWidth(wider, FONT_NAME, size) > room:
                p.text(line, LEFT + 8 * mm + label_w, y, size)
                y -= lead
                wider = item
            line = wider
        p.text(line, LEFT + 8 * mm + label_w, y, size)
        y -= lead
    y -= 2 * mm
    para(PHOTO_RULE)
    para(SERIAL_RULE)


def draw_blank_side(p: Page) -> None:
    """The back of 附件4 in a duplex print: left blank, and says so."""
    p.text(BLANK_SIDE, PAGE_W / 2, 20 * mm, 9, "center")
