"""Errors a person can act on: each carries a Chinese message saying what to do."""

from __future__ import annotations

from datetime import UTC, datetime

from app.services.records import ApplicantRecord


class ServiceError(Exception):
    """Base: `message` is shown to the person as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StartupError(ServiceError):
    """The database cannot be opened safely; nothing has been changed."""


class NotFoundError(ServiceError):
    pass


class InputError(ServiceError):
    """Bad input that cannot be stored at all (as opposed to validation problems)."""


class DuplicateIdError(ServiceError):
    """The ID number is already registered in this campaign."""

    def __init__(self, existing_id: int, serial_no: int, name: str, id_number: str) -> None:
        super().__init__(
            f"身份证号 {id_number} 已经报过名：报名序号 {serial_no:04d}，{name}。"
            "同一个人只能报名一次，请打开已有的记录修改，不要重复录入。"
        )
        self.existing_id = existing_id
        self.serial_no = serial_no
        self.name = name
        self.id_number = id_number


class ConflictError(ServiceError):
    """Another desk saved (or deleted) this record since it was opened here."""

    def __init__(self, current: ApplicantRecord | None, changed_by: str = "",
                 changed_at: datetime | None = None) -> None:
        if current is None:
            msg = "这条记录已被其他电脑删除。您的修改尚未保存，可以另存为新记录，或放弃。"
        else:
            # Stored as naive UTC; the person reads their own clock.
            when = (changed_at.replace(tzinfo=UTC).astimezone().strftime("%H:%M:%S")
                    if changed_at else "")
            msg = (
                f"这条记录已被「{changed_by}」在 {when} 修改过。为避免覆盖对方的修改，"
                "本次没有保存：请比较两个版本，选择保留哪一个。"
            )
        super().__init__(msg)
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at
