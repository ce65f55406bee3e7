#!/usr/bin/env bash
# The README's test command (`npm test`): build, check generated code, run every suite against real
# Postgres, Redis, driver processes and the real pyspark client.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== build"
npm run build --silent
echo "== generated protocol code is up to date"
bash scripts/check-generated.sh
echo "== lint"
npx biome lint src test scripts
echo "== unit, integration, end-to-end and golden suites"
npx vitest run
echo "== pyspark-client compatibility"
python3 -m pytest -q test/pyspark
