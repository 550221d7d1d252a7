#!/usr/bin/env bash
# Command 2 of the README: set up, build (Release with assertions on), run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh test
ctest --preset test -j "$(nproc)"
