"""OCR engines behind one small interface: an image in, text lines with boxes and scores out.

Engines register by name; the default, `rapidocr-onnxruntime`, runs PP-OCRv4 detection and
recognition from ONNX models that ship inside its wheel, so nothing is downloaded at run time.
Orientation is handled by the caller (recognizer.py), the same way for every engine.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.errors import ModelUnavailable


@dataclass(frozen=True)
class Line:
    """One detected text line: its text, recognition confidence and corner points (x, y)."""

    text: str
    confidence: float
    quad: tuple[tuple[float, float], ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs, ys = [p[0] for p in self.quad], [p[1] for p in self.quad]
        return min(xs), min(ys), max(xs), max(ys)


class OcrEngine(Protocol):
    name: str

    def __call__(self, image: np.ndarray) -> list[Line]:
        """Lines of a BGR uint8 image, read as it is (no rotation)."""


ENGINES: dict[str, Callable[[], OcrEngine]] = {}


def register(name: str):
    def add(factory: Callable[[], OcrEngine]):
        ENGINES[name] = factory
        return factory
    return add


def load_engine(name: str) -> OcrEngine:
    """Build a registered engine; an unknown name or missing package is a clear error."""
    if name not in ENGINES:
        raise ModelUnavailable(f"no OCR engine {name!r}; known: {', '.join(sorted(ENGINES))}")
    return ENGINES[name]()


@register("rapidocr-onnxruntime")
class RapidOcrOnnx:
    """rapidocr-onnxruntime 1.4 (PP-OCRv4 mobile det + rec). The line-direction classifier is
    off: an upside-down page must read as garbage so that the recognizer turns the page, instead
    of getting right text in mirrored positions."""

    name = "rapidocr-onnxruntime"

    def __init__(self, max_side: int = 960, threads: int = -1):
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as e:  # pragma: no cover - it is a core dependency
            raise ModelUnavailable("rapidocr-onnxruntime is not installed; pip install yukuai") from e
        # Detection on the longer side capped at `max_side` (the package's default upsizes the
        # shorter side to 736, which triples the work on a phone photo of a card).
        self._ocr = RapidOCR(det_limit_type="max", det_limit_side_len=max_side, use_cls=False,
                             intra_op_num_threads=threads)

    def __call__(self, image: np.ndarray) -> list[Line]:
        result, _ = self._ocr(image)
        return [Line(text, float(score), tuple((float(x), float(y)) for x, y in box))
                for box, text, score in (result or [])]


def _import(module: str, extra: str = "bench"):
    try:
        return __import__(module)
    except ImportError as e:
        raise ModelUnavailable(f"the {module} package is not installed; pip install 'yukuai[{extra}]'") from e


@register("rapidocr")
class RapidOcr3:
    """rapidocr 3 (PP-OCRv6 small det + rec from its wheel); compared in benchmarks/ocr.py."""

    name = "rapidocr"

    def __init__(self, max_side: int = 960):
        self._ocr = _import("rapidocr").RapidOCR(params={
            "Global.use_cls": False, "Global.log_level": "warning",
            "Det.limit_type": "max", "Det.limit_side_len": max_side})

    def __call__(self, image: np.ndarray) -> list[Line]:
        out = self._ocr(image)
        if out.boxes is None:
            return []
        return [Line(text, float(score), tuple((float(x), float(y)) for x, y in box))
                for box, text, score in zip(out.boxes, out.txts, out.scores)]


@register("faster-paddle")
class FasterPaddle:
    """faster-paddle (PP-OCRv6 tiny in Rust + ONNX Runtime, models in its wheel). It takes
    encoded bytes and returns upright rectangles; compared in benchmarks/ocr.py."""

    name = "faster-paddle"

    def __init__(self, model_size: str = "tiny", max_side: int = 960):
        self._ocr = _import("faster_paddle").OcrEngine(model_size=model_size, det_max_side=max_side)

    def __call__(self, image: np.ndarray) -> list[Line]:
        import cv2

        _, png = cv2.imencode(".png", image)
        lines = []
        for b in self._ocr.ocr(png.tobytes())["bounds"].values():
            if b["text"].strip():
                (x0, y0), (x1, y1) = b["topLeftCoord"], b["bottomRightCoord"]
                lines.append(Line(b["text"], float(b["confidence"]),
                                  ((x0, y0), (x1, y0), (x1, y1), (x0, y1))))
        return lines
