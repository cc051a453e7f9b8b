#!/usr/bin/env bash
# Inside the GPU image: start vLLM for $YUKUAI_MODEL (flags from its model config), wait until
# it answers, then serve the yukuai API on :8000 with that model available by name.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t VLLM < <(python - <<'PY'
import os, yaml
cfg = yaml.safe_load(open(f"model_configs/{os.environ['YUKUAI_MODEL']}.yaml"))
print(cfg["vllm"]["model"])
for arg in cfg["vllm"].get("args", []):
    print(arg)
PY
)
vllm serve "${VLLM[0]}" --host 127.0.0.1 --port 8001 "${VLLM[@]:1}" &
for _ in $(seq 1 600); do
  curl -sf http://127.0.0.1:8001/v1/models >/dev/null && break
  sleep 2
done
exec yukuai serve --host 0.0.0.0 --port 8000
