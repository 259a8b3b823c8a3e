#!/usr/bin/env bash
# Trains nightmask's default recipe and the PyTorch quality reference (../shared/bench/quality_peer.py,
# a DCGAN with hinge loss, DiffAugment and EMA) side by side for the same minutes on the same training
# images, each on its own core with one thread, then scores both with `nightmask eval` and writes both
# sample grids. Prints one JSON line per side and a summary.
#
#   scripts/bench-quality.sh [minutes] [out-dir]      (default 60 minutes, /tmp/nightmask-quality)
#
# Needs python3-torch and python3-pil (see the peer's README) and two cores. The demo set is built in
# out-dir, so your own data/ and models/ are not touched.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes="${1:-60}"
out="${2:-/tmp/nightmask-quality}"
peer="../shared/bench/quality_peer.py"
python="${PYTHON:-/usr/bin/python3}"
[ -f "$peer" ] || { echo "no PyTorch reference at $peer" >&2; exit 1; }
"$python" -c 'import torch, PIL' 2>/dev/null || {
  echo "PyTorch or Pillow is missing: apt-get install -y python3-torch python3-pil libopenblas0-pthread" >&2
  exit 1
}
[ "$(nproc)" -ge 2 ] || { echo "needs two cores: one for each side" >&2; exit 1; }

export NIGHTMASK_DATA_DIR="$out/data" NIGHTMASK_MODELS_DIR="$out/models" NIGHTMASK_OUTPUT_DIR="$out/out"
export NIGHTMASK_LOG_LEVEL=warn NIGHTMASK_QUALITY_EVERY_MINUTES=0
nightmask() { npx --no-install tsx src/cli/main.ts "$@"; }

mkdir -p "$out"
[ -f "$out/data/dataset/manifest.json" ] || nightmask dataset --size 64 >/dev/null
rm -rf "$out/train-images" "$out/peer-samples"
npx --no-install tsx scripts/quality-tools.ts export "$out/data/dataset" "$out/train-images"

echo "training both for $minutes minutes from $(date -u +%H:%M) UTC (load average $(cut -d' ' -f1-3 /proc/loadavg))"
# One core each; taskset makes the trainer's thread count 1 as well.
taskset -c 0 npx --no-install tsx src/cli/main.ts train --fresh --minutes "$minutes" >"$out/ours.log" 2>&1 &
ours=$!
taskset -c 1 "$python" "$peer" --images "$out/train-images" --minutes "$minutes" --threads 1 \
  --out "$out/peer-samples" --samples 1000 >"$out/peer.json" 2>"$out/peer.log" &
theirs=$!
wait "$ours" "$theirs"
echo "done at $(date -u +%H:%M) UTC (load average $(cut -d' ' -f1-3 /proc/loadavg))"

nightmask eval --images 1000 --seed 1 >"$out/ours-eval.json"
nightmask eval "$out/peer-samples" --images 1000 >"$out/peer-eval.json"
cp "$out/models/samples/latest.png" "$out/ours-grid.png"
npx --no-install tsx scripts/quality-tools.ts grid "$out/peer-samples" "$out/peer-grid.png" >/dev/null

node -e '
  const fs = require("fs");
  const read = (f) => JSON.parse(fs.readFileSync(f, "utf8").trim().split("\n").pop());
  const [out] = process.argv.slice(1);
  const ours = read(`${out}/ours-eval.json`), theirs = read(`${out}/peer-eval.json`), peer = read(`${out}/peer.json`);
  const steps = (fs.readFileSync(`${out}/ours.log`, "utf8").match(/done: step (\d+)/) || [])[1];
  console.log(JSON.stringify({ side: "nightmask", steps: Number(steps), ...ours }));
  console.log(JSON.stringify({ side: "pytorch", steps: peer.steps, ...theirs }));
  const f = (s) => `${s.kid.toFixed(4)} ± ${s.kidStderr.toFixed(4)}`;
  console.log(`KID after the same minutes: nightmask ${f(ours)}, PyTorch ${f(theirs)}; grids: ${out}/ours-grid.png, ${out}/peer-grid.png`);
' "$out"
