#!/usr/bin/env bash
# Sets up, indexes the bundled corpus (incrementally: a no-op when nothing changed) and serves
# the API on the embedded defaults at http://127.0.0.1:8000 (OpenAPI docs at /docs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/yukuai ingest corpora
exec .venv/bin/yukuai serve "$@"
