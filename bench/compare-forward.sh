#!/usr/bin/env bash
# Forward throughput of TextureBias beside PyTorch (Debian's python3-torch, 2 threads) for each
# architecture, in one session on the same machine:  bash bench/compare-forward.sh [batch] [size] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
batch=${1:-8}; size=${2:-224}; runs=${3:-5}
dotnet build -c Release -v q >/dev/null
cli=src/TextureBias.Cli/bin/Release/net10.0/linux-x64/TextureBias.Cli
for arch in bagnet9 bagnet17 bagnet33 resnet50 vgg16; do
  ours=$($cli bench forward --arch "$arch" --batch "$batch" --size "$size" --runs "$runs")
  theirs=$(/usr/bin/python3 tools/parity/bench_reference.py "$arch" "$batch" "$size" "$runs")
  echo "$ours"
  echo "$theirs"
done
