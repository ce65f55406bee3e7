#!/usr/bin/env bash
# Fails when the checked-in generated protocol code differs from what the .proto files produce.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/gen-proto.sh
if ! git diff --exit-code --stat -- src/protocol/generated; then
  echo "src/protocol/generated is stale: run 'npm run gen:proto' and commit the result" >&2
  exit 1
fi
if [ -n "$(git status --porcelain -- src/protocol/generated)" ]; then
  echo "src/protocol/generated has untracked files: run 'npm run gen:proto' and commit the result" >&2
  exit 1
fi
