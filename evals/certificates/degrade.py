"""Phone-photo degradations: a background, small skew and perspective, a quarter turn, uneven
light, blur, noise and JPEG artefacts. Each is drawn from the sample's own random stream."""

import io
import random

import cv2
import numpy as np
from PIL import Image

QUARTER = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def _background(rng: random.Random, w: int, h: int) -> np.ndarray:
    """A desk: a base colour with a wood-like grain or speckle, in BGR."""
    base = np.array([rng.randint(60, 200) for _ in range(3)], np.float32)
    y = np.arange(h, dtype=np.float32)[:, None]
    x = np.arange(w, dtype=np.float32)[None, :]
    grain = 18 * np.sin(y / rng.uniform(6, 30) + 3 * np.sin(x / rng.uniform(80, 300)))
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 8, (h, w))
    return np.clip(base[None, None, :] + (grain + noise)[:, :, None], 0, 255).astype(np.uint8)


def degrade(img: Image.Image, rng: random.Random, *, quarter: int = 0) -> Image.Image:
    """The certificate photographed: placed on a desk at a slight angle and in perspective,
    turned by `quarter` degrees, lit unevenly, blurred, noisy and JPEG-compressed."""
    card = cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)
    h, w = card.shape[:2]
    margin = int(max(w, h) * rng.uniform(0.08, 0.2))
    W, H = w + 2 * margin, h + 2 * margin
    # Corners: a small rotation about the centre plus independent perspective jitter.
    angle = np.deg2rad(rng.uniform(-6, 6))
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    c = np.float32([w / 2, h / 2])
    rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = (src - c) @ rot.T + c + margin
    dst += np.float32([[rng.uniform(-0.03, 0.03) * w, rng.uniform(-0.03, 0.03) * h] for _ in range(4)])
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    photo = _background(rng, W, H)
    warped = cv2.warpPerspective(card, m, (W, H))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (W, H)) > 0
    photo[mask] = warped[mask]
    # Uneven light: a linear gradient times a soft vignette around a random point.
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    light = 1 - rng.uniform(0.1, 0.35) * ((gx * (xx / W - 0.5) + gy * (yy / H - 0.5)) + 0.5)
    px, py = rng.uniform(0, W), rng.uniform(0, H)
    light *= 1 - rng.uniform(0, 0.2) * (((xx - px) ** 2 + (yy - py) ** 2) / (W * W + H * H))
    photo = np.clip(photo.astype(np.float32) * light[:, :, None], 0, 255)
    photo += np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(2, 6), photo.shape)
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    sigma = rng.uniform(0.4, 1.1)
    photo = cv2.GaussianBlur(photo, (0, 0), sigma)
    if quarter:
        photo = cv2.rotate(photo, QUARTER[quarter])
    _, buf = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(40, 75)])
    return Image.open(io.BytesIO(buf.tobytes()))
