"""The Chinese words for a database that must not be opened or restored, shared by
opening (app.services.database) and restoring (app.services.backup)."""

from __future__ import annotations

from pathlib import Path

from app.services.errors import StartupError
from db import migrate, schema

NEWER_SCHEMA = "这个数据库由更新版本的 ClassDesk 创建：请先升级本机程序"
POSTGRES_FORM = "postgresql+psycopg://用户名@服务器地址/数据库名"


def refuse_schema(found: schema.SchemaCheck, where: str) -> None:
    """StartupError for a database this program must not open: a newer one, or one that
    is not ClassDesk's."""
    if found.state is schema.SchemaState.NEWER:
        raise StartupError(
            f"{NEWER_SCHEMA}。（数据库：{where}，结构版本 {found.revision}，本程序只认识到 "
            f"{migrate.head_revision()}。）数据没有被修改。")
    if found.state is schema.SchemaState.FOREIGN:
        shown = "、".join(found.tables[:6]) + ("……" if len(found.tables) > 6 else "")
        raise StartupError(
            f"{where} 不是 ClassDesk 的数据库（里面是别的程序的数据表：{shown}）。"
            "为免改动别人的数据，程序没有打开它。请用 --db 指定一个新的文件名（或新的数据库），"
            "ClassDesk 会在那里建立自己的数据库。")


KIND_NAMES = {
    "directory": "一个文件夹", "fifo": "一个管道（FIFO）", "device": "一个设备",
    "socket": "一个套接字", "broken-link": "一个指向不存在文件的链接", "other": "一个特殊文件",
}
"""What sqlite_file.file_kind found, in words."""

_PLAIN_FILE = "请指定一个普通文件的路径（不存在的文件名会新建数据库）。"
NOT_A_FILE = {
    "directory": "{path} 是一个文件夹，不是数据库文件。请指定一个文件路径，"
                 "如 --db 文件夹/classdesk.sqlite3。",
    "fifo": "{path} 是一个管道（FIFO），不是数据库文件：程序没有打开它。" + _PLAIN_FILE,
    "device": "{path} 是一个设备，不是数据库文件：程序没有打开它，也没有改动它。" + _PLAIN_FILE,
    "socket": "{path} 是一个套接字，不是数据库文件。" + _PLAIN_FILE,
    "broken-link": "{path} 是一个指向不存在文件的链接：程序没有跟着它建立文件。" + _PLAIN_FILE,
    "other": "{path} 不是普通文件，不能用作数据库。" + _PLAIN_FILE,
}


def access_message(path: Path, e: BaseException) -> str:
    detail = getattr(e, "strerror", None) or str(getattr(e, "orig", None) or e)
    return (
        f"没有权限读写数据库 {path}（{detail}）。数据库没有损坏，也没有被修改。"
        f"请确认当前用户对这个文件和它所在的文件夹 {path.parent} 都有读写权限"
        "（SQLite 要在同一文件夹里建立 -wal、-shm 文件），或换一个自己的文件夹。"
    )


