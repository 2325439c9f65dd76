"""Dense vs thinned CPU inference latency (l0sgl.compress.thin), in one run: realized speedup next to the MACs ratio.

Two sparse models, made sparse by zeroing groups the way a trained regularized model ends up:
- LeNet-5-Caffe with the two structures that Louizos et al. report for ℓ0 hard-concrete, 20-25-45-462 (λ = 0.1/N)
  and 9-18-65-25 (per-layer λ): conv1/conv2 filters kept (the zero filters' biases survive as constants),
  fc1/fc2 inputs read;
- a pre-activation WRN (default 16-4, 32×32 input) with 50 % of the regularized filters (first 3×3 conv of each
  block) zero, and the BatchNorm after them as training leaves it (running mean and variance 0 on a dead channel,
  so its output is relu(β), β random): border='keep' keeps the channels with β > 0 (zero padding of the next
  conv), border='map' folds them too.
Latencies are medians over `--reps` calls at batch 1 and 256, the dense and thinned model alternating, in the
default (NCHW) and the channels_last memory layout (faster pooling on CPU).

    python bench/thin.py [--wrn 16-4] [--reps 15] [--threads N]

On a machine shared with other jobs use --threads 1: two OpenMP threads on two busy cores make single calls
vary by 10× and more.
"""
import argparse, statistics, time, torch, torch.nn as nn
from l0sgl.models import lenet5_caffe, wrn, regularized
from l0sgl.compress import thin, count_macs, count_params

def sparse_lenet(g, arch):
    "LeNet-5-Caffe with structure `arch` = (conv1 filters, conv2 filters, fc1 inputs, fc2 inputs) kept."
    m, (c1, c2, f1, f2) = lenet5_caffe().eval(), arch
    conv1, conv2 = [l for l in m.modules() if isinstance(l, nn.Conv2d)]
    fc1, fc2 = [l for l in m.modules() if isinstance(l, nn.Linear)]
    conv1.weight.data[torch.randperm(20, generator=g)[:20 - c1]] = 0          # biases stay: constants
    dead = torch.randperm(50, generator=g)[:50 - c2]; conv2.weight.data[dead] = 0
    live = torch.tensor(sorted(set(range(50)) - set(dead.tolist())))
    feats = live * 16 + torch.randint(16, (c2,), generator=g)                  # one input per live channel ...
    rest = torch.tensor(sorted(set((live[:, None] * 16 + torch.arange(16)).flatten().tolist()) - set(feats.tolist())))
    feats = torch.cat([feats, rest[torch.randperm(len(rest), generator=g)[:f1 - c2]]])   # ... and more at random
    keep = torch.zeros(800, dtype=torch.bool); keep[feats] = True; fc1.weight.data[:, ~keep] = 0
    fc2.weight.data[:, torch.randperm(500, generator=g)[:500 - f2]] = 0
    return m

def sparse_wrn(depth, width, g):
    "WRN with half of each block's first-conv filters zero, BatchNorm statistics as training leaves them."
    m = wrn(depth, width, 10, 0.3).eval()
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            c = mod.num_features
            mod.running_mean.copy_(torch.randn(c, generator=g) * .2); mod.running_var.copy_(torch.rand(c, generator=g) + .5)
            mod.weight.data.copy_(torch.rand(c, generator=g) + .5); mod.bias.data.copy_(torch.randn(c, generator=g) * .2)
    for name, conv in regularized(m):                          # blocks.i.conv1, read by blocks.i.bn2
        z = torch.randperm(conv.out_channels, generator=g)[:conv.out_channels // 2]; conv.weight.data[z] = 0
        bn = m.get_submodule(name.rsplit('.', 1)[0]).bn2; bn.running_mean[z] = 0; bn.running_var[z] = 0
    return m

def medians(models, x, reps):
    "Median seconds per call of each model on `x`, calls alternating between the models."
    ts = [[] for _ in models]
    with torch.no_grad():
        for m in models: m(x)
        for _ in range(reps):
            for t, m in zip(ts, models):
                t0 = time.perf_counter(); m(x); t.append(time.perf_counter() - t0)
    return [statistics.median(t) for t in ts]

def bench(name, dense, shape, reps, borders=('keep',)):
    x1 = torch.randn(1, *shape)
    thins = {b: thin(dense, x1, border=b) for b in borders}
    macs = count_macs(dense, x1)
    print(f"\n{name}: {count_params(dense):,} params, {macs:,} MACs/sample")
    for b, t in thins.items():
        print(f"  thinned (border={b}): {count_params(t):,} params, {count_macs(t, x1):,} MACs, "
              f"MACs ratio ×{macs / count_macs(t, x1):.2f}")
    print(f"  {'layout':>13} {'batch':>5} {'model':>10} {'ms':>9} {'speedup':>8} {'MACs ratio':>10} {'speedup/MACs':>12}")
    for fmt in (torch.contiguous_format, torch.channels_last):
        ms_ = [m.to(memory_format=fmt) for m in (dense, *thins.values())]
        for bs in (1, 256):
            x = torch.randn(bs, *shape).contiguous(memory_format=fmt)
            lay = 'NCHW' if fmt == torch.contiguous_format else 'channels_last'
            try: ms = medians(ms_, x, reps if bs == 1 else max(3, reps // 3))
            except RuntimeError as e: print(f"  {lay:>13} {bs:>5} dense model fails: {str(e)[:60]}"); continue
            print(f"  {lay:>13} {bs:>5} {'dense':>10} {ms[0]*1e3:9.3f}")
            for (b, t), tm in zip(thins.items(), ms[1:]):
                r = macs / count_macs(t, x1)
                print(f"  {lay:>13} {bs:>5} {'thin/' + b:>10} {tm*1e3:9.3f} {ms[0]/tm:8.2f} {r:10.2f} {ms[0]/tm/r:12.2f}")

def main(wrn_arch='16-4', reps=15, threads=None):
    if threads: torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, medians of {reps} (batch 1) / {max(3, reps // 3)} (batch 256) calls")
    for arch in ((20, 25, 45, 462), (9, 18, 65, 25)):
        bench('LeNet-5-Caffe ' + '-'.join(map(str, arch)), sparse_lenet(g, arch), (1, 28, 28), reps * 4)
    d, w = map(int, wrn_arch.split('-'))
    bench(f'WRN-{wrn_arch}, 50% of the regularized filters zero', sparse_wrn(d, w, g), (3, 32, 32), reps, ('keep', 'map'))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--wrn', default='16-4', help='WRN depth-width, e.g. 16-4 or 28-10')
    ap.add_argument('--reps', type=int, default=15, help='timed calls per model at batch 1 (a third at batch 256)')
    ap.add_argument('--threads', type=int, default=None, help='torch threads (default: torch default)')
    a = ap.parse_args()
    main(a.wrn, a.reps, a.threads)
