#!/usr/bin/env bash
# The standard benchmark set (texturebias bench all) on a fresh Release build; every JSON line is
# also kept in a file:  bash bench/all.sh [FILE]   (default bench/results-HOST-DATE.jsonl)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/results-$(hostname)-$(date -u +%Y%m%dT%H%MZ).jsonl}
dotnet build -c Release -v q >/dev/null
cli=src/TextureBias.Cli/bin/Release/net10.0/linux-x64/TextureBias.Cli
$cli bench all --json "$out"
echo "lines written to $out" >&2
