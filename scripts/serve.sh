#!/usr/bin/env bash
# Sets up, indexes the bundled corpus (incrementally: a no-op when nothing changed) and serves
# the API on the embedded defaults at http://127.0.0.1:8000 (OpenAPI docs at /docs).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
# Certificate recognition uses OpenCV (pulled in by rapidocr-onnxruntime): libGL and GLib.
ldconfig -p | grep -q 'libGL.so.1 ' || missing+=(libgl1)
ldconfig -p | grep -q 'libgthread-2.0.so.0 ' || missing+=(libglib2.0-0)
bash scripts/apt-install.sh "${missing[@]}"
bash scripts/setup.sh
.venv/bin/yukuai ingest corpora
exec .venv/bin/yukuai serve "$@"
