#!/bin/bash
# README's test command: dependencies, build, and every test (unit, shim tests
# against a real LTTng session and the libflux-core test double, record tool,
# analyzer, and integration tests against real flux-core when installed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 900
