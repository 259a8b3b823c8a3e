#!/usr/bin/env bash
# Times `nightmask bench train` (native kernels) against the PyTorch reference step
# (../shared/bench/dcgan_peer.py) on the same settings, alternating the two in one sitting because these
# machines are shared and noisy; prints every figure, each round's ratio and the median ratio per setting.
#
#   scripts/bench-vs-pytorch.sh [rounds]        (default 3 rounds; needs python3-torch, see the peer's README)
#
# Targets from the issue: 64 px (width 64, batch 32, one thread) >= 1.25x PyTorch; 32 px (width 32,
# batch 32, one thread) >= 1.0x; the same with two threads are reported.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-3}"
peer="../shared/bench/dcgan_peer.py"
python="${PYTHON:-/usr/bin/python3}"
[ -f "$peer" ] || { echo "no PyTorch reference at $peer" >&2; exit 1; }
"$python" -c 'import torch' 2>/dev/null || {
  echo "PyTorch is missing: apt-get install -y python3-torch libopenblas0-pthread" >&2
  exit 1
}

# Prints one field of the last JSON line on stdin.
field() { node -e 'const l=require("fs").readFileSync(0,"utf8").trim().split("\n").pop();
  console.log(JSON.parse(l)[process.argv[1]])' "$1"; }

# Other processes share these machines: the load averages before each setting and at the end say how
# much, and ratios from one sitting are what compare.
load() { cut -d' ' -f1-3 /proc/loadavg; }

summary=()
# res width batch threads timed-steps warm-up-steps: 64 px steps take under a second, 32 px ones under 0.1 s.
for setting in "64 64 32 1 5 2" "32 32 32 1 30 5" "64 64 32 2 5 2" "32 32 32 2 30 5"; do
  read -r res width batch threads steps warmup <<<"$setting"
  label="${res}px width ${width} batch ${batch}, ${threads} thread(s)"
  ratios=()
  echo "$label: load average $(load) before"
  for round in $(seq 1 "$rounds"); do
    ours=$(npx --no-install tsx src/cli/main.ts bench train --backend native --res "$res" --width "$width" \
      --batch "$batch" --threads "$threads" --steps "$steps" --warmup "$warmup" | field imagesPerSecond)
    theirs=$("$python" "$peer" --res "$res" --width "$width" --batch "$batch" --threads "$threads" \
      --steps "$steps" --warmup "$warmup" | field imagesPerSecond)
    ratio=$(node -e 'console.log((process.argv[1] / process.argv[2]).toFixed(2))' "$ours" "$theirs")
    ratios+=("$ratio")
    echo "$label, round $round: nightmask $ours img/s, PyTorch $theirs img/s, ratio $ratio"
  done
  median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  summary+=("$label: median ratio ${median}x PyTorch (rounds: ${ratios[*]})")
done

echo
printf '%s\n' "${summary[@]}"
echo "load average at the end: $(load)"
