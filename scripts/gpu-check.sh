#!/usr/bin/env bash
# The GPU check, for a host with an NVIDIA GPU (a few minutes):
#   1. what is here: the GPU, Node, Dawn, the Vulkan loader and NVIDIA's Vulkan driver, `nightmask doctor`;
#   2. `nightmask bench train` on WebGPU at 64 px, width 64, batch 64;
#   3. the same step in PyTorch on CUDA (scripts/gpu_peer.py, which reuses ../shared/bench/dcgan_peer.py);
#   4. both images per second and their ratio (the goal: WebGPU at no less than half of PyTorch);
#   5. the bot's masks drawn there: a short training run on WebGPU, then `nightmask generate`.
#
#   bash scripts/gpu-check.sh            # results under $OUT (if set) or a new folder in /tmp
#
# Needs `npm ci` done (Node modules, with the optional `webgpu` package) and, for step 3, a CUDA build
# of PyTorch (PYTHON=/path/to/python to choose the interpreter). Each step has a time limit and says
# what is missing; the check goes on after a failed step where it can. Exit status 0 only when WebGPU
# ran on the GPU at no less than half of PyTorch's speed and the masks were written.
# For a dry run elsewhere: GPU_CHECK_RES/WIDTH/BATCH/STEPS shrink the model, GPU_CHECK_IMAGES and
# GPU_CHECK_TRAIN_MINUTES the mask step, GPU_CHECK_TORCH_DEVICE=cpu runs PyTorch on the CPU, and
# GPU_CHECK_ALLOW_SOFTWARE=1 accepts a software (CPU) WebGPU adapter.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

res="${GPU_CHECK_RES:-64}"
width="${GPU_CHECK_WIDTH:-64}"
batch="${GPU_CHECK_BATCH:-64}"
steps="${GPU_CHECK_STEPS:-20}"
train_minutes="${GPU_CHECK_TRAIN_MINUTES:-1}"
images="${GPU_CHECK_IMAGES:-512}"
python="${PYTHON:-python3}"
out="${OUT:-$(mktemp -d /tmp/nightmask-gpu-check.XXXXXX)}"
mkdir -p "$out"
# The training run and its data live in a folder of their own, never in the repository's data/ or models/.
work="$(mktemp -d /tmp/nightmask-gpu-work.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export NIGHTMASK_DATA_DIR="$work/data" NIGHTMASK_MODELS_DIR="$work/models" NIGHTMASK_OUTPUT_DIR="$work/out"
export NIGHTMASK_LOG_LEVEL=warn

problems=()
say() { printf '%s\n' "$*" | tee -a "$out/gpu-check.log"; }
problem() { problems+=("$1"); say "PROBLEM: $1"; }
# One field of the JSON object on the last line of a file, or empty.
field() { node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
  try { const v = JSON.parse(lines.at(-1))[process.argv[2]]; console.log(v ?? ""); } catch { console.log(""); }
' "$1" "$2" 2>/dev/null; }

say "== nightmask GPU check, $(date -u +%FT%TZ), results in $out"

# --- 1. what is here ----------------------------------------------------------------------------------
if command -v nvidia-smi >/dev/null 2>&1; then
  timeout 30 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | tee -a "$out/gpu-check.log"
else
  problem "nvidia-smi not found: is the NVIDIA driver installed (or, in a container, the GPU passed in)?"
fi
if ! command -v node >/dev/null 2>&1; then
  say "FATAL: node is not installed (Node.js 20 or newer)"; exit 2
fi
say "node $(node --version)"
if [ -x node_modules/.bin/tsx ]; then
  nightmask=(node --import tsx src/cli/main.ts)
elif [ -f dist/src/cli/main.js ]; then
  nightmask=(node dist/src/cli/main.js)
else
  say "FATAL: no node_modules/.bin/tsx and no dist/: run npm ci first"; exit 2
fi
if ! ls node_modules/webgpu/dist/*/dawn.node >/dev/null 2>&1; then
  problem "the npm package webgpu (Dawn) is not installed: npm ci installs it (an optional dependency)"
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  problem "no Vulkan loader (libvulkan.so.1): apt-get install libvulkan1"
fi
if ! ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json >/dev/null 2>&1; then
  say "note: no nvidia_icd.json: NVIDIA's Vulkan driver may be missing (Debian: nvidia-vulkan-icd;" \
    "Ubuntu: libnvidia-gl-<version>; in a container: NVIDIA_DRIVER_CAPABILITIES must include graphics)"
fi

timeout 180 "${nightmask[@]}" doctor --json >"$out/doctor.json" 2>>"$out/gpu-check.log"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`doctor: would train on ${r.backend.wouldUse} [${r.backend.device}]`);
  for (const c of r.backend.candidates) console.log(`  ${c.available ? "ok" : "--"} ${c.name}: ${c.reason}${c.fix ? ` (fix: ${c.fix})` : ""}`);
  for (const w of r.warnings) console.log(`  warning: ${w}`);
' "$out/doctor.json" 2>&1 | tee -a "$out/gpu-check.log" || problem "nightmask doctor failed (see $out/gpu-check.log)"

# --- 2. WebGPU ----------------------------------------------------------------------------------------
say "== bench train on WebGPU: ${res} px, width ${width}, batch ${batch}, ${steps} steps"
timeout 600 "${nightmask[@]}" bench train --backend webgpu --res "$res" --width "$width" --batch "$batch" \
  --steps "$steps" --warmup 3 >"$out/bench-webgpu.json" 2>>"$out/gpu-check.log"
status=$?
webgpu_ips="$(field "$out/bench-webgpu.json" imagesPerSecond)"
webgpu_device="$(field "$out/bench-webgpu.json" device)"
if [ "$status" -ne 0 ] || [ -z "$webgpu_ips" ]; then
  [ "$status" -eq 124 ] && why="timed out after 600 s" || why="exit status $status"
  problem "bench train on WebGPU failed ($why): $(tail -n 3 "$out/gpu-check.log" | tr '\n' ' ')"
  webgpu_ips=""
else
  say "WebGPU: $webgpu_ips images/s on $webgpu_device"
  if [[ "$webgpu_device" != GPU:* ]] && [ "${GPU_CHECK_ALLOW_SOFTWARE:-0}" != 1 ]; then
    problem "WebGPU ran on a software adapter ($webgpu_device), not the GPU: see the doctor lines above"
    webgpu_ips=""
  fi
fi

# --- 3. PyTorch on CUDA -------------------------------------------------------------------------------
peer=""
for dir in "${NIGHTMASK_PEER_DIR:-}" ../shared/bench shared/bench; do
  if [ -n "$dir" ] && [ -f "$dir/dcgan_peer.py" ]; then peer="$dir"; break; fi
done
torch_ips=""
if [ -z "$peer" ]; then
  problem "dcgan_peer.py not found in ../shared/bench or shared/bench (set NIGHTMASK_PEER_DIR)"
elif ! command -v "$python" >/dev/null 2>&1; then
  problem "no $python for the PyTorch reference (set PYTHON=/path/to/python)"
else
  say "== the same step in PyTorch on CUDA ($python, dcgan_peer.py from $peer)"
  timeout 600 "$python" scripts/gpu_peer.py --peer "$peer" --device "${GPU_CHECK_TORCH_DEVICE:-cuda}" \
    --res "$res" --width "$width" --batch "$batch" --steps "$steps" --warmup 3 \
    >"$out/bench-pytorch.json" 2>>"$out/gpu-check.log"
  status=$?
  torch_ips="$(field "$out/bench-pytorch.json" imagesPerSecond)"
  if [ "$status" -ne 0 ] || [ -z "$torch_ips" ]; then
    problem "the PyTorch reference failed (exit status $status): $(tail -n 1 "$out/gpu-check.log")"
    torch_ips=""
  else
    say "PyTorch: $torch_ips images/s on $(field "$out/bench-pytorch.json" device)"
  fi
fi

ratio=""
if [ -n "$webgpu_ips" ] && [ -n "$torch_ips" ]; then
  ratio="$(node -e 'console.log((Number(process.argv[1]) / Number(process.argv[2])).toFixed(3))' "$webgpu_ips" "$torch_ips")"
  say "ratio WebGPU / PyTorch: $ratio (goal: at least 0.5)"
  node -e 'process.exit(Number(process.argv[1]) >= 0.5 ? 0 : 1)' "$ratio" || problem "WebGPU is below half of PyTorch's speed"
fi

# --- 4. masks on the GPU ------------------------------------------------------------------------------
say "== masks: a demo data set of $images images, $train_minutes min of training on WebGPU, then nightmask generate"
masks=0
export NIGHTMASK_BACKEND=webgpu NIGHTMASK_SIZE_PX="$res" NIGHTMASK_WIDTH="$width" NIGHTMASK_BATCH="$batch"
if timeout 300 "${nightmask[@]}" dataset --size "$res" --limit "$images" >>"$out/gpu-check.log" 2>&1 &&
  timeout 300 "${nightmask[@]}" train --minutes "$train_minutes" --steps 100000 >>"$out/gpu-check.log" 2>&1; then
  node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`trained: step ${s.step}, ${s.imagesPerSecond.toFixed(1)} images/s on ${s.backend} [${s.device}]`);
  ' "$work/models/status.json" 2>&1 | tee -a "$out/gpu-check.log"
  cp "$work/models/status.json" "$out/train-status.json" 2>/dev/null
  started=$(date +%s%N)
  if timeout 180 "${nightmask[@]}" generate --count 4 --seed 42 --size 512 --out "$out/masks" >>"$out/gpu-check.log" 2>&1; then
    masks=$(find "$out/masks" -name '*.png' | wc -l)
    say "generate: $masks masks at 512 px in $(( ($(date +%s%N) - started) / 1000000 )) ms (process start included), in $out/masks"
  else
    problem "nightmask generate failed: $(tail -n 2 "$out/gpu-check.log" | tr '\n' ' ')"
  fi
else
  problem "building the data set or training on WebGPU failed: $(tail -n 2 "$out/gpu-check.log" | tr '\n' ' ')"
fi

# --- summary ------------------------------------------------------------------------------------------
node -e '
  const [webgpu, torch, ratio, masks, ...problems] = process.argv.slice(1);
  const num = (v) => (v === "" ? null : Number(v));
  console.log(JSON.stringify({ webgpuImagesPerSecond: num(webgpu), pytorchImagesPerSecond: num(torch),
    ratio: num(ratio), masks: Number(masks), problems }));
' "$webgpu_ips" "$torch_ips" "$ratio" "$masks" "${problems[@]}" | tee "$out/summary.json"
if [ ${#problems[@]} -gt 0 ] || [ -z "$ratio" ] || [ "$masks" -lt 4 ]; then
  say "GPU check: FAILED (${#problems[@]} problems, see above and $out/gpu-check.log)"
  exit 1
fi
say "GPU check: passed"
