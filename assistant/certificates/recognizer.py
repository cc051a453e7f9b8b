"""Image -> upright page -> document type -> key fields -> checks -> needs_review.

A reading that is wrong but looks confident is worse than none: a missing field, a field below
the confidence floor and every failed check each set `needs_review` with a reason.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import cv2
import numpy as np

from assistant.certificates import validators as v
from assistant.certificates.catalog import TYPES, CertificateType
from assistant.certificates.fields import Extracted, extract
from assistant.certificates.images import decode_image
from assistant.certificates.ocr import Line, OcrEngine, load_engine
from assistant.errors import ImageRejected
from assistant.masking import mask_id_value

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
_ROTATE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
# A type is recognised when at least this share of its anchor words (and two of them) is seen.
ANCHOR_SHARE = 0.5


def _rule_checks(today: date) -> dict[str, Callable[..., list[v.Check]]]:
    """The rules named in catalog.py's `checks` rows: each takes (field, value) pairs."""
    return {
        "id_number": lambda f: v.check_id_number(*f),
        "uscc": lambda f: v.check_uscc(*f),
        "birth_matches": lambda i, b: [v.check_birth_matches(*i, *b)],
        "sex_matches": lambda i, s: [v.check_sex_matches(*i, *s)],
        "date": lambda f: [v.check_date(*f, today)],
        "expiry": lambda f: [v.check_expiry(*f, today)],
    }


@dataclass
class Recognition:
    """The result for one image. `rotation`: degrees clockwise the image was turned to read it;
    boxes are [x0, y0, x1, y1] in the uploaded image's pixels (after its EXIF orientation)."""

    type: str
    type_name: str | None
    rotation: int
    fields: dict[str, Extracted]
    checks: list[v.Check]
    needs_review: bool
    reasons: list[str]
    sensitive: frozenset[str]
    seconds: float

    def to_dict(self, reveal_ids: bool = False) -> dict:
        """JSON body; identity numbers are masked unless `reveal_ids` (see docs/architecture.md)."""
        def shown(name: str, value: str) -> str:
            return value if reveal_ids or name not in self.sensitive else mask_id_value(value)

        return {
            "type": self.type, "type_name": self.type_name, "rotation": self.rotation,
            "fields": {f.label: {"value": shown(key, f.value), "confidence": round(f.confidence, 4),
                                 "box": [round(c) for c in f.box]} for key, f in self.fields.items()},
            "checks": [c.to_dict() for c in self.checks],
            "needs_review": self.needs_review, "reasons": self.reasons,
            "ids_masked": not reveal_ids and any(k in self.sensitive for k in self.fields),
            "seconds": round(self.seconds, 3),
        }


def _horizontal(lines: list[Line]) -> list[Line]:
    """Lines that read left to right on this orientation of the page (wider than tall)."""
    out = []
    for line in lines:
        x0, y0, x1, y1 = line.bbox
        if x1 - x0 > 1.2 * (y1 - y0):
            out.append(line)
    return out


def detect_type(lines: list[Line]) -> tuple[CertificateType | None, float]:
    """The type whose anchor words are best covered by the page's text, or None."""
    text = "".join(line.text.replace(" ", "") for line in _horizontal(lines))
    best, best_key = None, (0.0, 0)
    for cert in TYPES.values():
        hits = sum(a in text for a in cert.anchors)
        key = (hits / len(cert.anchors), hits)
        if key > best_key:
            best, best_key = cert, key
    share, hits = best_key
    return (best, share) if share >= ANCHOR_SHARE and hits >= 2 else (None, share)


def _unrotate(box: tuple[float, ...], rotation: int, w: int, h: int) -> tuple[float, ...]:
    """A box on the turned image mapped back onto the original of size w x h."""
    x0, y0, x1, y1 = box
    if rotation == 90:
        pts = [(y, h - x) for x, y in ((x0, y0), (x1, y1))]
    elif rotation == 180:
        pts = [(w - x, h - y) for x, y in ((x0, y0), (x1, y1))]
    elif rotation == 270:
        pts = [(w - y, x) for x, y in ((x0, y0), (x1, y1))]
    else:
        return box
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


class Recognizer:
    """Reads certificates. Cheap to build; the OCR model loads on first use (or `warm_up()`).

    >>> Recognizer().recognize(open("id.jpg", "rb").read()).to_dict()["type"]  # doctest: +SKIP
    'id_card_front'
    """

    def __init__(self, engine: str = "rapidocr-onnxruntime", *, min_confidence: float = 0.8,
                 max_bytes: int = 10_000_000, max_pixels: int = 30_000_000,
                 today: Callable[[], date] = date.today):
        self.engine_name, self.min_confidence = engine, min_confidence
        self.max_bytes, self.max_pixels, self.today = max_bytes, max_pixels, today
        self._engine: OcrEngine | None = None
        # One page at a time: ONNX Runtime already uses every core for one image, and two
        # at once only thrash the caches of a small machine.
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> "Recognizer":
        return cls(settings.ocr_engine, min_confidence=settings.certificate_min_confidence,
                   max_bytes=settings.max_upload_bytes, max_pixels=settings.max_image_pixels)

    def warm_up(self) -> None:
        with self._lock:
            if self._engine is None:
                self._engine = load_engine(self.engine_name)

    def recognize(self, data: bytes) -> Recognition:
        """Decode and read an uploaded JPEG, PNG or WebP (bad input raises a YukuaiError)."""
        image, scale = decode_image(data, max_bytes=self.max_bytes, max_pixels=self.max_pixels)
        result = self.read(image)
        result.fields = {k: Extracted(f.label, f.value, f.confidence, tuple(c * scale for c in f.box))
                         for k, f in result.fields.items()}
        return result

    def read(self, image: np.ndarray) -> Recognition:
        """Read a BGR image: find its orientation, type and fields, and check them."""
        self.warm_up()
        started = time.perf_counter()
        with self._lock:
            rotation, lines, cert = self._upright(image)
        if not lines:
            raise ImageRejected("no text was found in the image", code="no_text")
        fields = extract(lines, cert) if cert else {}
        h, w = image.shape[:2]
        for f in fields.values():
            f.box = _unrotate(f.box, rotation, w, h)
        checks, reasons = self._review(cert, fields)
        log.info("certificate read: type=%s fields=%d failed_checks=%d rotation=%d %.2fs",
                 cert.key if cert else UNKNOWN, len(fields),
                 sum(c.status == "fail" for c in checks), rotation, time.perf_counter() - started)
        return Recognition(
            cert.key if cert else UNKNOWN, cert.name if cert else None, rotation, fields, checks,
            bool(reasons), reasons,
            frozenset(s.name for s in cert.fields if s.sensitive) if cert else frozenset(),
            time.perf_counter() - started)

    def _upright(self, image: np.ndarray) -> tuple[int, list[Line], CertificateType | None]:
        """Try the page as it is, then turned, until a known type reads; else the turn with the
        most confidently read horizontal text (an unknown document)."""
        lines = self._engine(image)
        cert, _ = detect_type(lines)
        if cert:
            return 0, lines, cert
        tall = len(_horizontal(lines)) < len(lines) / 2
        best = (0, lines, None)
        best_score = self._text_score(lines)
        for rotation in ((90, 270, 180) if tall else (180, 90, 270)):
            turned = self._engine(cv2.rotate(image, _ROTATE[rotation]))
            cert, _ = detect_type(turned)
            if cert:
                return rotation, turned, cert
            score = self._text_score(turned)
            if score > best_score:
                best, best_score = (rotation, turned, None), score
        return best

    @staticmethod
    def _text_score(lines: list[Line]) -> float:
        return sum(len(line.text) * line.confidence for line in _horizontal(lines))

    def _review(self, cert: CertificateType | None, fields: dict[str, Extracted]
                ) -> tuple[list[v.Check], list[str]]:
        if cert is None:
            return [], ["无法识别证件类型，请人工核对"]
        reasons = [f"未识别到{spec.name}" for spec in cert.fields
                   if spec.required and spec.name not in fields]
        reasons += [f"{f.label}识别置信度低" for f in fields.values() if f.confidence < self.min_confidence]
        rules, checks = _rule_checks(self.today()), []
        for rule, *names in cert.checks:
            if all(n in fields for n in names):
                checks += rules[rule](*((fields[n].label, fields[n].value) for n in names))
        reasons += [f"未通过：{c.message}" for c in checks if c.status == "fail"]
        return checks, reasons
