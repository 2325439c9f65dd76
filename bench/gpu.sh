#!/bin/bash
# The one prepared script for a lent GPU (issues #12 and #10): fits one call of the device tool (≤ 10 minutes; a
# session has about 15 minutes of device time in all, machine start included).
#
#   here, first:   L0SGL_DATA=/work/data bash bench/gpu.sh pack      # .gpu/ (ignored by git, ~12 MB): fastcore wheel, MNIST gzipped
#   on the device: run(command='bash bench/gpu.sh', carry=['.gpu'], timeout_s=600)
#   here, after:   bash bench/gpu.sh unpack FILES_AT                 # run directories into results/, bench output shown
#
# On the device, in order, each step with its own timeout:
#   1. bench/prox.py --device cuda                 the V-step against prox_l0 (issue #12's ratio, on a GPU)
#   2. bench/wrn_step.py --device cuda             WRN-28-10 steps, Learner vs bare loop: fp32; bf16 + channels_last;
#                                                  the same with torch.compile
#   3. bench/gpu_runs.py results/lenet5-mnist      the rows of runs.tsv without metrics.json, JOBS at a time, until the
#                                                  time left; unfinished rows send their checkpoint back (resume here)
# Everything comes back as $OUT/bench.txt, $OUT/runs.tar (small files of the rows; logs in .gpu/logs) and up to five
# NAME.checkpoint.pt. Overrides: DEVICE (cuda), WRN (wrn-28-10), EXP (results/lenet5-mnist), ROWS (a,b: only these),
# JOBS (8), BUDGET (seconds for the whole script, 560), SKIP_BENCH=1.
set -u -o pipefail
cd "$(dirname "$0")/.."
case "${1:-run}" in
pack)
  grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >> .git/info/exclude
  mkdir -p .gpu/whl .gpu/MNIST/raw
  python3 -m pip download -q --no-deps --only-binary=:all: -d .gpu/whl 'fastcore>=1.8,<2' || exit 1
  for f in "${L0SGL_DATA:?set L0SGL_DATA to the data root holding MNIST/raw}"/MNIST/raw/*-ubyte; do
    gzip -9c "$f" > ".gpu/MNIST/raw/$(basename "$f").gz"; done
  du -sh .gpu; exit 0;;
unpack)
  D=${2:?usage: bash bench/gpu.sh unpack FILES_AT}
  cat "$D/bench.txt"; tar xf "$D/runs.tar"
  for c in "$D"/*.checkpoint.pt; do [ -e "$c" ] || continue
    n=$(basename "$c" .checkpoint.pt); mkdir -p "${EXP:-results/lenet5-mnist}/$n"; cp "$c" "${EXP:-results/lenet5-mnist}/$n/checkpoint.pt"; echo "checkpoint of $n restored (continue it with --resume)"; done
  exit 0;;
run) ;;
*) echo "usage: bash bench/gpu.sh [run|pack|unpack FILES_AT]"; exit 2;;
esac

T0=$(date +%s); O=${OUT:-/tmp/gpu-out}; mkdir -p "$O"
DEVICE=${DEVICE:-cuda}; WRN=${WRN:-wrn-28-10}; EXP=${EXP:-results/lenet5-mnist}; BUDGET=${BUDGET:-560}
B="$O/bench.txt"; : > "$B"; S=/tmp/gpu-stamp; touch "$S"
if ! python3 -c 'import fastcore' 2>/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .gpu/whl/*.whl >> "$B" 2>&1 || { echo "no fastcore: run 'bash bench/gpu.sh pack' here first and carry .gpu" | tee -a "$B"; exit 1; }
  export PYTHONPATH=/tmp/site
fi
export PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}$PWD PYTHONUNBUFFERED=1
if [ -z "${L0SGL_DATA:-}" ]; then
  export L0SGL_DATA=/tmp/l0sgl-data; mkdir -p $L0SGL_DATA/MNIST/raw
  for f in .gpu/MNIST/raw/*.gz; do [ -e "$f" ] && gunzip -c "$f" > "$L0SGL_DATA/MNIST/raw/$(basename "$f" .gz)"; done
fi
{ date -u; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU")'; } >> "$B" 2>&1
step() { local t=$1; shift; echo "\$ python $*   # $(date -u +%T), timeout ${t}s" >> "$B"; timeout "$t" python3 "$@" >> "$B" 2>&1 || echo "(exit $?)" >> "$B"; }
if [ -z "${SKIP_BENCH:-}" ]; then
  step 90 bench/prox.py --device "$DEVICE" --reps 20
  step 120 bench/wrn_step.py --model "$WRN" --device "$DEVICE" --steps 20
  step 120 bench/wrn_step.py --model "$WRN" --device "$DEVICE" --steps 20 --amp bf16 --channels_last
  step 180 bench/wrn_step.py --model "$WRN" --device "$DEVICE" --steps 20 --amp bf16 --channels_last --compile
fi
LEFT=$(( BUDGET - ($(date +%s) - T0) - 45 ))   # 45 s for stopping, thinning's tail and packing
if [ "$LEFT" -gt 30 ]; then
  echo "\$ python bench/gpu_runs.py $EXP --device $DEVICE --jobs ${JOBS:-8} --deadline $LEFT ${ROWS:+--rows $ROWS}   # $(date -u +%T)" >> "$B"
  python3 bench/gpu_runs.py "$EXP" --device "$DEVICE" --jobs "${JOBS:-8}" --deadline "$LEFT" --logs .gpu/logs ${ROWS:+--rows "$ROWS"} >> "$B" 2>&1
fi
# what comes back: small files of every row directory touched here, their logs, and the checkpoints of unfinished rows
{ find "$EXP" -newer "$S" -type f ! -name '*.pt' -print0; find .gpu/logs -type f -print0 2>/dev/null; } | tar cf "$O/runs.tar" --null -T - 2>> "$B"
k=0; for d in "$EXP"/*/; do
  if [ -e "$d/checkpoint.pt" ] && [ ! -e "$d/metrics.json" ] && [ "$d/checkpoint.pt" -nt "$S" ] && [ $k -lt 5 ]; then
    cp "$d/checkpoint.pt" "$O/$(basename "$d").checkpoint.pt"; k=$((k+1)); fi; done
echo "done in $(( $(date +%s) - T0 )) s; $k checkpoints of unfinished rows sent back" >> "$B"
cat "$B"
