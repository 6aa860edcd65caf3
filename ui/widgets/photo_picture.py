"""The photo box's 2-inch frame: the photo scaled to fit, or what to do to put one in."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

PICTURE_WIDTH = 126
PICTURE_HEIGHT = PICTURE_WIDTH * 49 // 35  # a 2-inch photo's 35 : 49


class PhotoPicture(QLabel):
    """The 2-inch frame: the photo scaled to fit, or what to do to put one in."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoPicture")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedSize(PICTURE_WIDTH, PICTURE_HEIGHT)
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._image = QImage()

    def set_image(self, image: QImage) -> None:
        self._image = image
        self._render()

    def image(self) -> QImage:
        return self._image

    def _render(self) -> None:
        if self._image.isNull():
            if self.pixmap() is not None and not self.pixmap().isNull():
                self.setPixmap(QPixmap())  # the text set after this shows again
            return
        ratio = self.devicePixelRatioF()
        inner = QSize(self.width() - 4, self.height() - 4) * ratio
        pixmap = QPixmap.fromImage(
            self._image.scaled(
                inner, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        pixmap.setDevicePixelRatio(ratio)
        self.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._render()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)
