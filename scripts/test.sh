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
# The canary suite asserts that an identical candidate shows no slowdown; on two cores another test
# file running beside it made one driver twice as slow for a whole plan. It runs alone, after the rest.
npx vitest run --exclude test/e2e/canary.test.ts
echo "== canary (alone: it measures latency)"
npx vitest run test/e2e/canary.test.ts
echo "== pyspark-client compatibility"
python3 -m pytest -q test/pyspark
