"""Realistic synthetic applicants, for trying the program and for benchmarks."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from app.domain.applicant import ApplicantData, age_on
from app.domain.codes import (
    Education,
    EmployerNature,
    EnrolmentType,
    Ethnicity,
    IdentityCategory,
    MajorRelation,
    PoliticalStatus,
    RegistrationType,
)
from app.domain.creditcode import credit_check_char
from app.domain.idcard import check_digit
from app.domain.validation import WORK_START_AGE
from app.domain.yearmonth import YearMonth
from app.services.campaign import CampaignInfo

SURNAMES = (
    "张王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强晓东海燕红梅文博"
    "子涵浩然欣怡雨轩思远佳怡宇航梓萱一鸣晨曦俊杰婷婷丹丹晶晶亮辉鹏飞雪梅春燕玉兰"
    "宏伟立新卫东建军永刚小红晓燕颖慧嘉琪睿泽"
)
# Region codes a Nantong resident's ID may carry: current and historical.
REGIONS = (
    "320602", "320611", "320612", "320613", "320614", "320621", "320623", "320681",
    "320682", "320683", "320684", "320685",
    "320102", "321002", "320505", "310115", "340102",  # born elsewhere, working in Nantong
)
EMPLOYERS = (
    ("南通市发展和改革委员会", 1, "11320600"),
    ("南通市市场监督管理局", 1, "11320600"),
    ("南通市大数据管理局", 1, "11320600"),
    ("南通大数据集团有限公司", 3, "91320600"),
    ("江苏银行南通分行", 3, "91320600"),
    ("中国人民银行南通市中心支行", 1, "11320600"),
    ("南通农村商业银行股份有限公司", 3, "91320600"),
    ("南通市信用管理协会", 4, "51320600"),
    ("南通市中小企业融资担保有限公司", 3, "91320600"),
    ("南通市第一人民医院", 2, "12320600"),
    ("海安市发展和改革委员会", 1, "11320685"),
    ("如皋市发展和改革委员会", 1, "11320682"),
    ("如东县发展和改革委员会", 1, "11320623"),
    ("启东市发展和改革委员会", 1, "11320681"),
    ("南通市通州区发展和改革委员会", 1, "11320612"),
    ("南通市崇川区发展和改革委员会", 1, "11320613"),
    ("南通市海门区发展和改革委员会", 1, "11320614"),
    ("江苏中天科技股份有限公司", 3, "91320600"),
    ("南通四建集团有限公司", 3, "91320682"),
    ("如皋市农业农村局", 1, "11320682"),
    ("启东市工会委员会", 4, "81320681"),
    ("通州湾江海联动开发示范区管委会", 1, "11320600"),
    ("南通恒信信用评估有限公司", 3, "91320602"),
    ("江苏苏锡通科技产业园区投资开发有限公司", 3, "91320600"),
    ("海门区三星镇农民专业合作社", 3, "N2320614"),
)
SCHOOLS = (
    ("南通大学", False), ("南京审计大学", False), ("江苏开放大学", False),
    ("南通职业大学", False), ("扬州大学", False), ("中共南通市委党校", True),
    ("南京财经大学", False), ("苏州大学", False), ("江苏商贸职业学院", False),
)
STREETS = ("崇川路58号", "工农路", "人民中路", "青年东路", "世纪大道", "长江中路", "跃龙路")
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_id_number(rng: random.Random, region: str, birth: date, male: bool) -> str:
    seq = rng.randrange(0, 100)
    gender_digit = rng.choice("13579" if male else "02468")
    body = f"{region}{birth:%Y%m%d}{seq:02d}{gender_digit}"
    return body + check_digit(body)


def make_credit_code(rng: random.Random, prefix8: str) -> str:
    body = prefix8 + "".join(rng.choice(CODE_ALPHABET) for _ in range(9))
    return body + credit_check_char(body)


def demo_applicants(campaign: CampaignInfo, count: int, seed: int = 2021,
                    today: date | None = None) -> Iterator[ApplicantData]:
    """`count` applicants spread over the campaign's points in proportion to targets."""
    rng = random.Random(seed)
    if today is None:  # three weeks before the class's deadline (2021-09-20 for 2021)
        deadline = campaign.registration_deadline or date(campaign.year, 10, 9)
        today = deadline - timedelta(days=19)
    points = list(campaign.points)
    weights = [max(p.target, 1) for p in points]
    codes: dict[str, str] = {}
    used_ids: set[str] = set()
    for _ in range(count):
        point = rng.choices(points, weights)[0]
        male = rng.random() < 0.45
        birth = date(1962, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
        if rng.random() < 0.01:
            birth = date(1958, 1, 1) + timedelta(days=rng.randrange(0, 365 * 4))
        while True:
            idn = make_id_number(rng, rng.choice(REGIONS), birth, male)
            if idn not in used_ids:
                used_ids.add(idn)
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        employer, nature, prefix = rng.choice(EMPLOYERS)
        if employer not in codes:
            codes[employer] = make_credit_code(rng, prefix)
        individual = rng.random() < 0.12
        school, party = rng.choice(SCHOOLS)
        education = rng.choices(
            [Education.MASTER_OR_ABOVE, Education.BACHELOR, Education.COLLEGE], [10, 65, 25]
        )[0]
        if birth.year < 1962 and rng.random() < 0.5:
            education = Education.SECONDARY_VOCATIONAL
        grad_year = min(birth.year + rng.choice((19, 21, 22, 23, 25)), today.year - 1)
        enrol = rng.choices(list(EnrolmentType), [90, 6, 4])[0]
        mobile = rng.choice(("139", "138", "151", "158", "187", "180", "133", "199"))
        mobile += f"{rng.randrange(0, 10**8):08d}"
        yield ApplicantData(
            registration_point=point.name,
            registration_type=RegistrationType.INDIVIDUAL if individual
            else RegistrationType.EMPLOYER,
            enrolment_type=enrol,
            name=name,
            ethnicity=Ethnicity.HAN if rng.random() < 0.97 else Ethnicity.MINORITY,
            id_number=idn,
            political_status=rng.choice(list(PoliticalStatus)),
            identity_category=rng.choice([IdentityCategory.CADRE, IdentityCategory.OTHER,
                                          IdentityCategory.WORKER]),
            school=school,
            party_or_military_school=party,
            credit_work_years=rng.randrange(0, max(1, today.year - grad_year)),
            education=education,
            graduation=YearMonth(grad_year, rng.choice((6, 7))),
            major_relation=rng.choice(list(MajorRelation)),
            major_name=rng.choice(("金融学", "会计学", "经济学", "法学", "计算机科学与技术",
                                   "工商管理", "信用管理")),
            employer=employer,
            employer_nature=EmployerNature.from_code(nature),
            employer_credit_code=codes[employer],
            address=f"江苏省南通市崇川区{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
            postal_code=f"2260{rng.randrange(0, 100):02d}",
            phone=f"0513-{rng.randrange(80000000, 90000000)}",
            mobile=mobile,
            email=f"{rng.choice(('nt', 'xy', 'credit', 'zhang', 'li'))}{rng.randrange(100, 99999)}"
            f"@{rng.choice(('163.com', 'qq.com', '126.com', 'sina.com'))}",
            # 专业工龄 within the years since 14 (validation's WORK_START_AGE), so that
            # `check` has nothing to say about a demo person
            professional_years=rng.randrange(
                0, max(1, min(20, age_on(birth, today) - WORK_START_AGE + 1))),
        )
