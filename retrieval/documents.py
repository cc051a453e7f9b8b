"""Load corpus files into LlamaIndex Documents with their metadata.

Markdown may carry YAML front matter (the corpus schema in corpora/schema.json); other
formats are read with LlamaIndex's file readers. A file that cannot be read or whose front
matter is malformed becomes a `LoadFailure` naming the file, and the rest still loads.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml
from llama_index.core.schema import Document

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "corpora" / "schema.json"
AUDIENCES = ("public", "internal")
_TITLE = re.compile(r"^#\s+(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class LoadFailure:
    """A file that was skipped, and why (the message is safe to show)."""

    path: str
    reason: str


class _Unreadable(Exception):
    pass


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _Unreadable(f"not UTF-8 text ({e.reason} at byte {e.start})") from e


def _read_with(reader_factory: Callable[[], object]) -> Callable[[Path], str]:
    def read(path: Path) -> str:
        docs = reader_factory().load_data(path)
        return "\n\n".join(d.text for d in docs)

    return read


def _pdf_reader():
    from llama_index.readers.file import PDFReader

    return PDFReader(return_full_document=True)


def _docx_reader():
    from llama_index.readers.file import DocxReader

    return DocxReader()


def _html_reader():
    from llama_index.readers.file import HTMLTagReader

    return HTMLTagReader(tag="body")


READERS: dict[str, Callable[[Path], str]] = {
    ".md": _read_text,
    ".markdown": _read_text,
    ".txt": _read_text,
    ".html": _read_with(_html_reader),
    ".htm": _read_with(_html_reader),
    ".pdf": _read_with(_pdf_reader),
    ".docx": _read_with(_docx_reader),
}


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """Return (front matter, body). Raises ValueError on malformed YAML or schema errors."""
    if not text.startswith("---\n"):
        return None, text
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ValueError("front matter opened with '---' is never closed")
    try:
        raw = yaml.safe_load(text[4:end])
    except yaml.YAMLError as e:
        raise ValueError(f"front matter is not valid YAML: {e}") from e
    if not isinstance(raw, dict):
        raise ValueError("front matter is not a mapping")
    meta = json.loads(json.dumps(raw, default=str))  # dates -> ISO strings
    errors = sorted(_validator().iter_errors(meta), key=lambda e: list(e.path))
    if errors:
        where = "/".join(map(str, errors[0].path)) or "(top)"
        raise ValueError(f"front matter invalid at {where}: {errors[0].message}")
    return meta, text[end + 5 :]


def iter_files(root: Path) -> Iterator[Path]:
    """Supported files under `root` (or `root` itself), in a stable order, skipping hidden ones."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if path.is_file() and path.suffix.lower() in READERS and not any(
            p.startswith(".") for p in rel
        ):
            yield path


def _fallback_id(path: Path, root: Path) -> str:
    base = root if root.is_dir() else root.parent
    return path.relative_to(base).as_posix()


def load_file(path: Path, root: Path, default_audience: str = "internal") -> Document:
    """Read one file into a Document whose id is the front-matter id or the relative path.

    Files without front matter get `default_audience`: internal unless the caller says the
    material is public, so that nothing is shown to citizens by accident.
    """
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise _Unreadable(f"unsupported file type {path.suffix or '(none)'}")
    raw = path.read_bytes()
    try:
        text = reader(path)
    except _Unreadable:
        raise
    except Exception as e:  # third-party readers raise anything on a corrupt file
        raise _Unreadable(f"cannot be parsed as {path.suffix}: {type(e).__name__}: {e}") from e
    try:
        meta, body = split_front_matter(text)
    except ValueError as e:
        raise _Unreadable(str(e)) from e
    if not body.strip():
        raise _Unreadable("contains no text")
    if meta is None:
        title = _TITLE.search(body)
        meta = {
            "id": _fallback_id(path, root),
            "title": title.group(1).strip() if title else path.stem,
            "audience": default_audience,
            "doc_type": "document",
        }
    meta["source"] = str(path.resolve())
    meta["file_hash"] = hashlib.sha256(raw).hexdigest()
    return Document(id_=meta["id"], text=body, metadata=meta)


def load_documents(
    root: Path, default_audience: str = "internal"
) -> tuple[list[Document], list[LoadFailure]]:
    """Load every supported file under `root`; failures and duplicate ids are reported, not raised."""
    docs: list[Document] = []
    failures: list[LoadFailure] = []
    seen: dict[str, Path] = {}
    for path in iter_files(root):
        try:
            doc = load_file(path, root, default_audience)
        except (_Unreadable, OSError) as e:
            failures.append(LoadFailure(str(path), str(e)))
            continue
        if doc.id_ in seen:
            failures.append(LoadFailure(str(path), f"duplicate id {doc.id_!r} (also {seen[doc.id_]})"))
            continue
        seen[doc.id_] = path
        docs.append(doc)
    return docs, failures
