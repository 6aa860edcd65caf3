"""Where the 导出 page's files go: the folder used last (per kind), default names with
today's date, and the save / folder dialogs (ui.widgets.files)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from ui.widgets import files

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService

LAST_FOLDER_KEY = "exchange/last_folder"
IMPORT_FOLDER_KEY = "exchange/import_folder"


class Targets:
    """The last folders (in the desk's settings) and the dialogs that start there."""

    def __init__(self, service: ApplicantService, settings: QSettings | None) -> None:
        self.service = service
        self.settings = settings

    def start_folder(self, key: str = LAST_FOLDER_KEY) -> Path:
        value = self.settings.value(key, "") if self.settings is not None else ""
        folder = Path(str(value)) if value else Path.home()
        return folder if folder.is_dir() else Path.home()

    def remember(self, path: Path, key: str = LAST_FOLDER_KEY) -> None:
        if self.settings is not None:
            self.settings.setValue(key, str(path if path.is_dir() else path.parent))

    def today(self) -> str:
        """For default file names: 附件5_汇总表_20210920.xlsx."""
        return f"{self.service.today():%Y%m%d}"

    def ask_save(self, parent: QWidget, title: str, name: str, filters: str,
                 suffix: str) -> Path | None:
        chosen = files.choose_save_file(parent, title, str(self.start_folder() / name), filters)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.remember(path)
        return path

    def ask_folder(self, parent: QWidget, title: str) -> Path | None:
        chosen = files.choose_folder(parent, title, str(self.start_folder()))
        if not chosen:
            return None
        path = Path(chosen)
        self.remember(path)
        return path
