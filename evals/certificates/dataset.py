"""The certificate eval set, generated on demand from a fixed seed (never committed).

`generate(out_dir)` writes one image per sample and `truth.jsonl` with the type, the printed
value of every field, whether the sample is degraded, its quarter turn and what invalid value
(if any) was planted in it.
"""

import json
import random
from datetime import date
from pathlib import Path

from evals.certificates.degrade import degrade
from evals.certificates.render import PLANTABLE, RENDERERS

SEED = 20261121
# Fixed so that planted expiry dates stay expired and the set is the same whenever it is built.
TODAY = date(2026, 11, 21)
PER_TYPE = 44       # 7 types x 44 + unknown documents = at least 300 images
UNKNOWN = 16
PLANT_EVERY = 5     # one sample in five of each plantable type carries an invalid value


def plan(per_type: int = PER_TYPE, unknown: int = UNKNOWN, seed: int = SEED) -> list[dict]:
    """The sample list: type, clean or degraded, quarter turn, planted fault, own seed."""
    rng = random.Random(seed)
    items = []
    for kind in RENDERERS:
        count = unknown if kind == "unknown" else per_type
        for i in range(count):
            degraded = i % 2 == 1
            planted = PLANTABLE[kind][(i // PLANT_EVERY) % len(PLANTABLE[kind])] \
                if kind in PLANTABLE and i % PLANT_EVERY == 0 else None
            quarter = rng.choice((0, 0, 0, 90, 180, 270)) if degraded else 0
            items.append({"id": f"{kind}-{i:03d}", "kind": kind, "degraded": degraded,
                          "quarter": quarter, "planted": planted, "seed": rng.randrange(2**31)})
    return items


def render_sample(item: dict, today: date = TODAY):
    """(image, truth) for one planned sample; the same item always gives the same image."""
    rng = random.Random(item["seed"])
    img, kind, fields = RENDERERS[item["kind"]](rng, today, item["planted"])
    if item["degraded"]:
        img = degrade(img, rng, quarter=item["quarter"])
    return img, {**item, "type": kind, "fields": fields}


def generate(out_dir: Path, per_type: int = PER_TYPE, unknown: int = UNKNOWN, seed: int = SEED) -> Path:
    """Write the images (PNG if clean, JPEG if degraded) and truth.jsonl; returns the truth path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    truth = out_dir / "truth.jsonl"
    with truth.open("w", encoding="utf-8") as f:
        for item in plan(per_type, unknown, seed):
            img, row = render_sample(item)
            name = f"{item['id']}.{'jpg' if item['degraded'] else 'png'}"
            if item["degraded"]:
                img.save(out_dir / name, quality=95)  # already JPEG-degraded; keep it as it is
            else:
                img.save(out_dir / name)
            f.write(json.dumps({**row, "file": name}, ensure_ascii=False) + "\n")
    return truth
