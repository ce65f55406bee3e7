#!/usr/bin/env bash
# Regenerates src/protocol/generated from src/protocol/proto (protobuf-es, via buf).
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$PATH" buf generate
