#!/usr/bin/env bash
# Sets up the test environment and runs the whole suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
# The chat-page test drives Debian's Chromium (Playwright never downloads a browser here).
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
# The certificate tests render synthetic documents with Debian's CJK fonts; OpenCV (which
# rapidocr-onnxruntime pulls in) needs libGL.
if [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] \
    || ! ldconfig -p | grep -q 'libGL.so.1 '; then
  packages="fonts-noto-cjk fonts-wqy-microhei libgl1 libglib2.0-0"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  fi
fi
# The store tests run against a real PostgreSQL server as well as SQLite.
export YUKUAI_TEST_DATABASE_URL="${YUKUAI_TEST_DATABASE_URL:-$(bash scripts/postgres.sh)}"
bash scripts/setup.sh test
.venv/bin/python -m pytest "$@"
