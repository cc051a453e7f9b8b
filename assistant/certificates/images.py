"""Decoding an uploaded image safely: the format, size and pixel count are checked from the
header before any pixel is decompressed, so a decompression bomb costs nothing."""

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from assistant.errors import ImageRejected, PayloadTooLarge, UnsupportedMedia

# MPO is JPEG with more pictures after the first: many phone cameras write it.
FORMATS = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
# Beyond this the OCR gains nothing: the detector works on at most ~1000 px per side.
WORKING_SIDE = 2000


def decode_image(data: bytes, *, max_bytes: int, max_pixels: int) -> tuple[np.ndarray, float]:
    """The image as a BGR uint8 array, upright by its EXIF orientation and at most
    WORKING_SIDE pixels on its longer side, and the factor from its pixels back to the
    upload's. Raises ImageRejected and friends with a stable code."""
    if not data:
        raise ImageRejected("the upload is empty", code="empty_image")
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the image is over {max_bytes} bytes")
    try:
        with warnings.catch_warnings():
            # We apply our own, lower pixel limit below; PIL's warning would only be noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise PayloadTooLarge("the image has too many pixels", code="image_too_large") from None
    except ValueError:  # PIL refuses a text or ICC chunk that inflates past its limit
        raise ImageRejected("the image's metadata is too large", code="corrupt_image") from None
    except (UnidentifiedImageError, OSError):
        if data.startswith(_MAGIC) or data[8:12] == b"WEBP":  # ours, but cut short or damaged
            raise ImageRejected("the image is truncated or corrupt", code="corrupt_image") from None
        raise UnsupportedMedia("not a JPEG, PNG or WebP image", code="not_an_image") from None
    if img.format not in FORMATS:
        raise UnsupportedMedia(f"{img.format} images are not accepted; send JPEG, PNG or WebP",
                               code="unsupported_image_type")
    width, height = img.size
    if width * height > max_pixels:
        raise PayloadTooLarge(f"the image has {width}x{height} pixels, over the limit of "
                              f"{max_pixels // 1_000_000} megapixels", code="image_too_large")
    try:
        img.seek(0)  # the first picture of an MPO
        img.draft("RGB", (WORKING_SIDE, WORKING_SIDE))  # JPEG: decode at a reduced scale
        img = ImageOps.exif_transpose(img.convert("RGB"))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected("the image is truncated or corrupt", code="corrupt_image") from None
    img.thumbnail((WORKING_SIDE, WORKING_SIDE))
    rgb = np.asarray(img)
    if rgb.std() < 4:  # one flat colour (or near it): nothing to read
        raise ImageRejected("the image is blank", code="blank_image")
    # draft() and thumbnail() scale both sides alike and EXIF may swap them: the longer side
    # gives the factor back to the upload's pixels.
    return np.ascontiguousarray(rgb[:, :, ::-1]), max(width, height) / max(img.size)
