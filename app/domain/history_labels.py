"""History actions in the office's words: every (entity, action) the services write, in
Chinese, so that no code such as "check", "not_ready" or "call" reaches a person."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "status": "状态变更",
    "override": "状态变更（跳过步骤）",
    "late_step": "补记步骤",
    "import": "导入",
    "photo": "照片",
    "check": "核对材料",
    "incomplete": "现场确认：材料不全",
    "not_ready": "现场确认：暂未确认",
    "confirm": "现场确认",
    "call": "电话通知",
    "payment": "登记缴费",
    "hold": "缴费待核对",
    "accept": "待核对缴费：确认计入",
    "reject": "待核对缴费：不计入",
    "refund": "退款",
    "migrate": "系统升级",
    "lock": "设为只读",
    "unlock": "解锁",
    "use": "切换当前班次",
    "result": "考试成绩",
    "bring_back": "上年未通过·带回本期",
}
"""By action code; `action_label` refines a few by entity."""

_BY_ENTITY: dict[tuple[str, str], str] = {
    ("payment", "import"): "导入银行流水",
    ("applicant", "import"): "导入报名表",
    ("materials", "check"): "现场确认：核对材料",
    ("province", "import"): "导入省公司审核名单",
    ("class", "create"): "新建班次",
    ("class", "update"): "修改班次设置",
    ("class", "lock"): "往年班次设为只读",
    ("class", "unlock"): "解锁往年班次",
}


def action_label(action: str, entity: str = "") -> str:
    """"电话通知" for ("call", "call"); an unknown code is said to be one, never shown bare
    as if it were a word."""
    label = _BY_ENTITY.get((entity, action)) or ACTION_LABELS.get(action)
    if label is not None:
        return label
    return f"其他操作（{action}）" if action else "其他操作"
