"""Owner-only files on Windows: the ACL commands, with the platform faked (this machine
cannot run Windows; the Windows workflow checks a real export's ACL)."""

from __future__ import annotations

from pathlib import Path

from app.services.private_files import (
    inside_profile,
    restrict_on_windows,
    windows_acl_command,
    windows_user,
)

WIN_ENV = {
    "USERNAME": "zhangxt",
    "USERDOMAIN": "NTZX-PC07",
    "USERPROFILE": r"C:\Users\zhangxt",
}


class FakeRunner:
    def __init__(self, code: int = 0, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.code = code
        self.fail = fail

    def __call__(self, command: list[str]) -> int:
        self.calls.append(command)
        if self.fail:
            raise FileNotFoundError("icacls")
        return self.code


def test_export_outside_the_profile_gets_an_owner_only_acl() -> None:
    run = FakeRunner()
    done = restrict_on_windows(
        Path(r"D:\报省\附件5汇总表.xlsx"), folder=False, system="nt", env=WIN_ENV, run=run
    )
    assert done is True
    assert run.calls == [
        [
            "icacls",
            str(Path(r"D:\报省\附件5汇总表.xlsx")),
            "/inheritance:r",
            "/grant:r",
            r"NTZX-PC07\zhangxt:F",
            "/q",
        ]
    ]


def test_folder_grant_is_inherited_by_what_goes_in_it() -> None:
    command = windows_acl_command(r"E:\ClassDesk数据", folder=True, user=r"NTZX-PC07\zhangxt")
    assert command is not None
    assert command[3:5] == ["/grant:r", r"NTZX-PC07\zhangxt:(OI)(CI)F"]
    assert "/inheritance:r" in command


def test_inside_the_profile_no_process_is_started() -> None:
    run = FakeRunner()
    path = Path(r"C:\Users\ZHANGXT\AppData\Local\ClassDesk\classdesk.sqlite3")
    assert restrict_on_windows(path, folder=False, system="nt", env=WIN_ENV, run=run) is False
    assert run.calls == []


def test_profile_match_is_by_whole_folder_names() -> None:
    assert inside_profile(r"C:\Users\zhangxt\Desktop\a.xlsx", r"C:\Users\zhangxt")
    assert inside_profile(r"c:\users\ZhangXT\a.pdf", r"C:\Users\zhangxt")
    assert not inside_profile(r"C:\Users\zhangxt2\a.xlsx", r"C:\Users\zhangxt")
    assert not inside_profile(r"C:\Users\Public\a.xlsx", r"C:\Users\zhangxt")
    assert not inside_profile(r"C:\Users\zhangxt", r"C:\Users\zhangxt")
    assert not inside_profile(r"D:\a.xlsx", "")


def test_not_windows_does_nothing() -> None:
    run = FakeRunner()
    assert (
        restrict_on_windows(Path("/tmp/x"), folder=False, system="posix", env=WIN_ENV, run=run)
        is False
    )
    assert run.calls == []


def test_failure_is_logged_and_the_file_is_kept(tmp_path: Path, caplog) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"data")
    for run in (FakeRunner(code=5), FakeRunner(fail=True)):
        caplog.clear()
        env = {**WIN_ENV, "USERPROFILE": r"C:\Users\zhangxt"}
        assert restrict_on_windows(target, folder=False, system="nt", env=env, run=run) is False
        assert run.calls, "icacls was not tried"
        assert "访问权限未收紧" in caplog.text
    assert target.read_bytes() == b"data"


def test_unknown_user_is_reported_not_guessed(caplog) -> None:
    run = FakeRunner()
    env = {"USERPROFILE": r"C:\Users\zhangxt"}
    assert (
        restrict_on_windows(Path(r"D:\a.xlsx"), folder=False, system="nt", env=env, run=run)
        is False
    )
    assert run.calls == []
    assert "无法确定当前 Windows 用户" in caplog.text


def test_windows_user_from_the_environment() -> None:
    assert windows_user(WIN_ENV) == r"NTZX-PC07\zhangxt"
    assert windows_user({"USERNAME": "li"}) == "li"
    assert windows_user({}) == ""
