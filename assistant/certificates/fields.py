"""Key fields from OCR lines, anchored on the printed labels.

Every supported document prints a label before each value (姓名 张三), on the same row, and a
long value wraps onto lines left-aligned with its start. So one procedure reads them all:
split lines into label and value pieces, take the pieces to the right of each label up to the
next label, then follow wrapped lines downwards. Positions are deskewed first, so a photo held
a few degrees off still groups into rows.
"""

import math
import re
from dataclasses import dataclass, field
from statistics import median

from assistant.certificates.catalog import CertificateType, FieldSpec
from assistant.certificates.ocr import Line
from assistant.certificates.places import correct_places

Box = tuple[float, float, float, float]


@dataclass
class Piece:
    """A label or a value: part (or all) of one OCR line, with its deskewed box."""

    text: str
    confidence: float
    box: Box             # deskewed, for layout reasoning
    source: Box          # in the image's own coordinates, for the response
    label: str | None = None
    used: bool = False

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


@dataclass
class Extracted:
    """A field's value, the lowest confidence among its pieces, and its box in the image."""

    label: str
    value: str
    confidence: float
    box: Box
    pieces: list[Piece] = field(default_factory=list)


def skew_angle(lines: list[Line]) -> float:
    """The median slope (radians) of the top edges of long lines: the page's tilt."""
    angles = []
    for line in lines:
        (x0, y0), (x1, y1) = line.quad[0], line.quad[1]
        x_min, y_min, x_max, y_max = line.bbox
        if x_max - x_min > 2.5 * (y_max - y_min) and x1 > x0:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return median(angles) if angles else 0.0


def _deskew(line: Line, angle: float) -> Box:
    c, s = math.cos(-angle), math.sin(-angle)
    pts = [(x * c - y * s, x * s + y * c) for x, y in line.quad]
    return min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)


def _part_of(line: Line, a: float, b: float) -> Box:
    """The image box of the fraction [a, b] of a line, along its own (possibly tilted) axis."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = line.quad[:4]
    pts = [(x0 + t * (x1 - x0), y0 + t * (y1 - y0)) for t in (a, b)]
    pts += [(x3 + t * (x2 - x3), y3 + t * (y2 - y3)) for t in (a, b)]
    return min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text).strip(":：")


def join_spaced_labels(lines: list[Line], labels: list[str]) -> list[Line]:
    """Letter-spaced labels (名　　称) may be detected as one box per character: join a line
    that begins a label with its right-hand neighbour on the same row when together they
    begin a label."""
    lines = list(lines)
    changed = True
    while changed:
        changed = False
        for a in lines:
            ta = _clean(a.text)
            if not ta or not any(lb.startswith(ta) and lb != ta for lb in labels):
                continue
            ax0, ay0, ax1, ay1 = a.bbox
            h = ay1 - ay0
            right = [b for b in lines if b is not a and abs((b.bbox[1] + b.bbox[3]) / 2 - (ay0 + ay1) / 2) < 0.5 * h
                     and ax1 - 0.3 * h <= b.bbox[0] < ax1 + 3 * h]
            if not right:
                continue
            b = min(right, key=lambda line: line.bbox[0])
            joined = ta + _clean(b.text)
            if any(lb.startswith(joined) or joined.startswith(lb) for lb in labels):
                _, by0, bx1, by1 = b.bbox
                quad = ((ax0, min(ay0, by0)), (bx1, min(ay0, by0)), (bx1, max(ay1, by1)), (ax0, max(ay1, by1)))
                lines.remove(a)
                lines.remove(b)
                lines.append(Line(joined, min(a.confidence, b.confidence), quad))
                changed = True
                break
    return lines


def split_pieces(lines: list[Line], cert: CertificateType) -> list[Piece]:
    """Each line as label and value pieces. A label is recognised at the start of a line, and
    an `inline` label also after a value on the same line (性别男民族汉)."""
    labels = sorted(cert.label_set(), key=len, reverse=True)
    lines = join_spaced_labels(lines, labels)
    angle = skew_angle(lines)
    inline = sorted({lb for f in cert.fields if f.inline for lb in f.labels}, key=len, reverse=True)
    pieces: list[Piece] = []
    for line in lines:
        text = _clean(line.text)
        if not text:
            continue
        box = _deskew(line, angle)
        # Cut points: (start, label or None); characters are spread evenly over the box width.
        cuts: list[tuple[int, str | None]] = []
        start = next((lb for lb in labels if text.startswith(lb)), None)
        pos = 0
        if start:
            cuts.append((0, start))
            pos = len(start)
            if pos < len(text):
                cuts.append((pos, None))
        else:
            cuts.append((0, None))
        pattern = "|".join(map(re.escape, inline))
        for m in re.finditer(pattern, text[pos:]) if inline else ():
            at = pos + m.start()
            if at > pos:
                cuts.append((at, m.group()))
                if at + len(m.group()) < len(text):
                    cuts.append((at + len(m.group()), None))
        cuts = sorted(set(cuts))
        width = (box[2] - box[0]) / len(text)
        for i, (at, label) in enumerate(cuts):
            end = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
            if end <= at:
                continue
            part_box = (box[0] + at * width, box[1], box[0] + end * width, box[3])
            pieces.append(Piece(text[at:end].strip(":："), line.confidence, part_box,
                                _part_of(line, at / len(text), end / len(text)),
                                label if label and text[at:end] == label else None))
    return [p for p in pieces if p.text]


def _same_row(a: Piece, b: Piece) -> bool:
    return abs(a.cy - b.cy) < 0.5 * max(a.height, b.height)


def _under(label: Piece, pieces: list[Piece]) -> list[Piece]:
    """The unlabelled piece just below a label and left-aligned with it."""
    h = label.height
    below = [p for p in pieces if not p.used and not p.label and abs(p.box[0] - label.box[0]) < 1.5 * h
             and label.box[3] - 0.3 * h < p.box[1] < label.box[3] + 1.5 * h]
    return [min(below, key=lambda p: p.box[1])] if below else []


def _value_for(label: Piece, pieces: list[Piece], spec: FieldSpec) -> list[Piece]:
    if spec.below and (under := _under(label, pieces)):
        return under
    multiline = spec.multiline
    row = sorted((p for p in pieces if p is not label and _same_row(p, label)
                  and p.box[0] >= label.box[2] - 0.5 * label.height), key=lambda p: p.box[0])
    taken: list[Piece] = []
    for p in row:
        if p.label:
            break
        if p.used:
            continue
        taken.append(p)
    if not taken or not multiline:
        return taken
    # Wrapped lines: the next row down whose first piece starts where the value started.
    h = median(p.height for p in taken)
    left, bottom = taken[0].box[0], max(p.box[3] for p in taken)
    while True:
        below = [p for p in pieces if not p.used and not p.label and p not in taken
                 and bottom - 0.3 * h < p.box[1] < bottom + 1.0 * h and abs(p.box[0] - left) < 1.5 * h]
        if not below:
            return taken
        first = min(below, key=lambda p: p.box[1])
        line = [first]
        for p in sorted((q for q in pieces if not q.used and q not in taken and _same_row(q, first)
                         and q.box[0] > first.box[2] - 0.5 * h), key=lambda q: q.box[0]):
            if p.label or p.box[0] - line[-1].box[2] > 1.5 * h:
                break
            line.append(p)
        taken += line
        bottom = max(p.box[3] for p in line)


# Documents print full-width punctuation in Chinese text; OCR returns either width.
_FULL_WIDTH = str.maketrans("(),;:", "（），；：")


def _clean_value(spec: FieldSpec, text: str) -> str:
    if spec.charset:  # identity numbers, codes, dates: keep only what may be printed there
        upper = "A-Z" in spec.charset or "X" in spec.charset
        return re.sub(f"[^{spec.charset}]", "", text.upper() if upper else text)
    text = text.translate(_FULL_WIDTH)
    for pattern, replacement in spec.fixes:
        text = re.sub(pattern, replacement, text)
    return correct_places(text) if spec.places else text


def extract(lines: list[Line], cert: CertificateType) -> dict[str, Extracted]:
    """The fields of `cert` found in `lines`, keyed by the label printed on the document."""
    pieces = split_pieces(lines, cert)
    ordered = sorted((p for p in pieces if p.label), key=lambda p: (round(p.cy / max(p.height, 1)), p.box[0]))
    found: dict[str, Extracted] = {}
    for spec in cert.fields:
        matches = [p for p in ordered if p.label in spec.labels]
        if len(matches) < spec.occurrence:
            continue
        label = matches[spec.occurrence - 1]
        value = _value_for(label, pieces, spec)
        if not value:
            continue
        for p in value:
            p.used = True
        text = _clean_value(spec, "".join(p.text for p in value))
        if not text:
            continue
        boxes = [p.source for p in value]
        # A field with printed alternatives (法定代表人 / 经营者) is named by the one printed.
        name = spec.name if len(spec.labels) == 1 else label.label
        found[spec.name] = Extracted(name, text, min(p.confidence for p in value),
                                     (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                      max(b[2] for b in boxes), max(b[3] for b in boxes)), value)
    return found
