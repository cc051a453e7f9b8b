"""Certificate recognition (政务证照识别): OCR, document type, key fields and their checks."""

from assistant.certificates.recognizer import Recognition, Recognizer

__all__ = ["Recognition", "Recognizer"]
