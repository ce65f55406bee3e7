#!/usr/bin/env bash
# TPC-H Q1, Q3, Q5, Q6 and Q10 as pyspark DataFrame programs through the platform, compared with
# DuckDB's answers (test/pyspark/test_tpch_dataframes.py) at a chosen scale factor.
#
#   scripts/tpch/dataframes.sh [SCALE_FACTOR]     (default 0.1; `npm test` runs them at 0.01)
set -euo pipefail
SF="${1:-0.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${ROOT}"
bash scripts/tpch/generate.sh "${SF}"
npm run build --silent
PERENNIAL_TPCH_SF="${SF}" python3 -m pytest -q test/pyspark/test_tpch_dataframes.py
