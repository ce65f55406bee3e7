#!/usr/bin/env bash
# Writes TPC-H tables as Parquet into data/tpch/sf<SF>/ (gitignored) using the tpchgen-cli Python
# package; does nothing when all eight tables are already there.
#
#   scripts/tpch/generate.sh [SCALE_FACTOR]     (default 0.01)
set -euo pipefail

SF="${1:-0.01}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${ROOT}/data/tpch/sf${SF}"
TABLES=(region nation supplier customer part partsupp orders lineitem)

missing=0
for t in "${TABLES[@]}"; do
  [[ -f "${OUT}/${t}.parquet" ]] || missing=1
done
if [[ "${missing}" == 0 ]]; then
  echo "TPC-H SF ${SF} already present in ${OUT}"
  exit 0
fi

if ! command -v tpchgen-cli >/dev/null 2>&1; then
  echo "installing tpchgen-cli (pip)"
  python3 -m pip install --quiet tpchgen-cli
fi

mkdir -p "${OUT}"
# One file per table (<table>.parquet); the default SNAPPY compression is readable by every reader we use.
tpchgen-cli parquet --scale-factor "${SF}" --output-dir "${OUT}" --overwrite
echo "TPC-H SF ${SF} written to ${OUT}"
ls -l "${OUT}"
