#!/usr/bin/env bash
# Sets up the test environment and runs the whole suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
# The chat-page test drives Debian's Chromium (Playwright never downloads a browser here).
command -v chromium >/dev/null || missing+=(chromium)
# The certificate tests render synthetic documents with Debian's CJK fonts.
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
# OpenCV (which rapidocr-onnxruntime pulls in) needs libGL and GLib.
ldconfig -p | grep -q 'libGL.so.1 ' || missing+=(libgl1)
ldconfig -p | grep -q 'libgthread-2.0.so.0 ' || missing+=(libglib2.0-0)
bash scripts/apt-install.sh "${missing[@]}"
# The store tests run against a real PostgreSQL server as well as SQLite.
export YUKUAI_TEST_DATABASE_URL="${YUKUAI_TEST_DATABASE_URL:-$(bash scripts/postgres.sh)}"
bash scripts/setup.sh test
.venv/bin/python -m pytest "$@"
