#!/usr/bin/env bash
# The full-size soak: 10,000 files at concurrency 256 through every fault the emulator scripts.
# Usage: benchmarks/soak.sh [files] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-10000}
concurrency=${2:-256}
mvn -B -q test -Dspotless.check.skip=true -Djacoco.skip=true -Dtest=SoakTest \
  -Dsoak.files="$files" -Dsoak.concurrency="$concurrency" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djunit.jupiter.execution.timeout.default=30m
grep -h "soak outcome" target/surefire-reports/dev.wandb4j.reliability.SoakTest-output.txt
