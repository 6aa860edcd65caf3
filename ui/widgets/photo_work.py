"""What the photo box does off the UI thread — load, check, fix, store and remove one
applicant's photo — and what each job hands back to the box (an Outcome).

The services are imported inside the jobs, on the worker thread: Pillow and the checking
code load when the first photo is shown, not while the window starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QImage

from ui.widgets.photo_common import is_usable, pixels_text, problem_lines, short_size

if TYPE_CHECKING:
    from app.domain.photo import PhotoVerdict
    from app.services.photos import PhotoService


@dataclass(frozen=True)
class ShownPhoto:
    """The photo in the box: its bytes and verdict; `stored` once it is in the database."""

    data: bytes
    filename: str
    verdict: PhotoVerdict
    image: QImage
    original: bytes | None = None
    stored: bool = False
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a worker hands back to the box."""

    generation: int
    applicant_id: int | None
    shown: ShownPhoto | None
    changed: bool = False  # the stored photo changed: tell the form
    warning: tuple[str, str] | None = None  # (title, text) to show instead


def service_factory_for(service: Any) -> Callable[[], PhotoService]:
    """PhotoService on an ApplicantService's database and campaign, as its current operator
    (the window changes `service.operator` when the person at the desk changes).

    Made on first use, on the worker thread that needs it (it imports Pillow and reads the
    campaign); later calls hand back the same one with the operator brought up to date.
    """
    made: list[PhotoService] = []

    def make() -> PhotoService:
        if not made:
            from app.services.photos import PhotoService

            made.append(PhotoService(service.db, service.operator, service.campaign_id))
        photos = made[0]
        photos.operator = str(service.operator).strip() or "未署名"
        return photos

    return make


class PhotoWork:
    """Makes the box's jobs: each a function for a worker thread that returns an Outcome
    tagged with the box's generation (a result for an applicant left behind is dropped)."""

    def __init__(
        self,
        factory: Callable[[], PhotoService] | None,
        preview: Callable[[bytes], QImage],
    ) -> None:
        self.factory = factory
        self.preview = preview

    def service(self) -> PhotoService:
        assert self.factory is not None
        return self.factory()

    def load(self, generation: int, applicant_id: int) -> Callable[[], Outcome]:
        factory, preview = self.service, self.preview

        def work() -> Outcome:
            stored = factory().get(applicant_id)
            if stored is None:
                return Outcome(generation, applicant_id, None)
            verdict = stored.check()
            when = f"{stored.updated_at:%Y-%m-%d %H:%M}" if stored.updated_at else ""
            note = f"{stored.updated_by} {when}".strip()
            if stored.original:
                note += "（原图已保存）"
            shown = ShownPhoto(
                stored.data, stored.filename, verdict, preview(stored.data),
                original=stored.original, stored=True, note=note,
            )
            return Outcome(generation, applicant_id, shown)

        return work

    def offer(
        self, generation: int, applicant_id: int | None, data: bytes, filename: str
    ) -> Callable[[], Outcome]:
        factory, preview = self.service, self.preview
        can_store = self.factory is not None

        def work() -> Outcome:
            from app.services.photos import check_bytes

            verdict = check_bytes(data, filename)
            if not is_usable(verdict):
                reasons = "\n".join(f"• {line}" for line in problem_lines(verdict))
                return Outcome(
                    generation, applicant_id, None,
                    warning=("不能用作照片", f"{filename} 不能用作照片：\n{reasons}\n\n没有保存。"),
                )
            image = preview(data)
            if applicant_id is None or not can_store:
                note = "保存报名表时一并保存照片"
                shown = ShownPhoto(data, filename, verdict, image, note=note)
                return Outcome(generation, applicant_id, shown)
            stored_verdict = factory().attach(applicant_id, data, filename)
            shown = ShownPhoto(
                data, filename, stored_verdict, image, stored=True, note=f"已保存：{filename}"
            )
            return Outcome(generation, applicant_id, shown, changed=True)

        return work

    def fix(
        self, generation: int, applicant_id: int | None, source: bytes, filename: str,
        store: bool,
    ) -> Callable[[], Outcome]:
        factory, preview = self.service, self.preview

        def work() -> Outcome:
            from app.services.photos import PhotoError, fix_photo, inspect_bytes

            try:
                result = fix_photo(source, filename=filename)
            except PhotoError as exc:
                return Outcome(generation, applicant_id, None, warning=("无法修复", exc.message))
            before = inspect_bytes(source, filename)
            name = result.filename
            was = pixels_text(*(before.display_size or (before.width, before.height)))
            note = (
                f"已修复：{short_size(before.size)} {was} → "
                f"{short_size(len(result.data))} {result.width}×{result.height}，原图已保留"
            )
            verdict = result.verdict
            stored = False
            if store and applicant_id is not None:
                verdict = factory().attach(applicant_id, result.data, name, original=source)
                stored = True
            shown = ShownPhoto(
                result.data, name, verdict, preview(result.data), original=source,
                stored=stored, note=note,
            )
            return Outcome(generation, applicant_id, shown, changed=stored)

        return work

    def store(
        self, generation: int, applicant_id: int, data: bytes, filename: str,
        original: bytes | None, note: str,
    ) -> Callable[[], Outcome]:
        factory, preview = self.service, self.preview

        def work() -> Outcome:
            verdict = factory().attach(applicant_id, data, filename, original=original)
            kept = note if note.startswith("已修复") else f"已保存：{filename}"
            shown = ShownPhoto(
                data, filename, verdict, preview(data), original=original, stored=True, note=kept
            )
            return Outcome(generation, applicant_id, shown, changed=True)

        return work

    def remove(self, generation: int, applicant_id: int) -> Callable[[], Outcome]:
        factory = self.service

        def work() -> Outcome:
            factory().remove(applicant_id)
            return Outcome(generation, applicant_id, None, changed=True)

        return work
