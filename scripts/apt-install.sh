#!/usr/bin/env bash
# Installs the given Debian packages, as root or through sudo.
set -euo pipefail
[ $# -gt 0 ] || exit 0
as_root=(); [ "$(id -u)" = 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
