"""`l0sgl.compress.thin` against Torch-Pruning's DependencyGraph + prune, in one run, on the same zeroed channels.

For each model (torchvision, random init, eval mode, 224×224): a fraction `--frac` of the output channels of every
conv whose channels can be removed is zeroed — conv weight rows, and the gamma/beta of the BatchNorm after it, so
the channel is exactly zero. Then
- l0sgl: `thin(model, x)` (which also checks that no output changed);
- Torch-Pruning: `DependencyGraph().build_dependency(model, x)`, then for every conv with zero rows the pruning group
  of those rows (`prune_conv_out_channels`), pruned when `check_pruning_group` allows it and every conv and
  BatchNorm output channel in the group is zero (a residual stream's channel only when every block writing it is
  zero), so that Torch-Pruning, like l0sgl, removes only channels whose removal changes no output.
Both on a deep copy; times are medians of `--reps` calls; thinned MACs and the largest output difference are printed
next to the times. Torch-Pruning is a benchmark-only dependency (`pip install torch-pruning`), never a runtime one.

    python bench/thin_tp.py [--models resnet50 densenet121] [--reps 3] [--threads 1]
"""
import argparse, copy, statistics, time, torch, torch.nn as nn, torchvision
from l0sgl.compress import thin, count_macs

def zero_channels(m, frac, g):
    "Zero `frac` of the output rows of every conv that a BatchNorm follows (rows and the BN's affine parameters)."
    mods = list(m.named_modules())
    for (_, a), (_, b) in zip(mods, mods[1:]):
        if isinstance(a, nn.Conv2d) and isinstance(b, nn.BatchNorm2d) and a.groups == 1 and b.num_features == a.out_channels:
            z = torch.randperm(a.out_channels, generator=g)[:int(frac * a.out_channels)]
            a.weight.data[z] = 0; b.weight.data[z] = 0; b.bias.data[z] = 0
    return m

def _exact(grp):
    "Is every conv and BatchNorm output channel of the group zero (so that removing it changes no output)?"
    for dep, idxs in grp:
        mod, fn = dep.target.module, getattr(dep.handler, '__name__', '')
        idxs = [int(getattr(i, 'idx', i)) for i in idxs]
        if isinstance(mod, nn.Conv2d) and 'out_channels' in fn and mod.weight.detach()[idxs].any(): return False
        if isinstance(mod, nn.BatchNorm2d) and (mod.weight.detach()[idxs].any() or mod.bias.detach()[idxs].any()): return False
    return True

def tp_prune(m, x):
    import torch_pruning as tp
    dg = tp.DependencyGraph().build_dependency(m, example_inputs=x)
    for mod in list(m.modules()):
        if isinstance(mod, nn.Conv2d) and mod.groups == 1:
            z = (mod.weight.detach().flatten(1).abs().sum(1) == 0).nonzero().flatten().tolist()
            if not z or len(z) == mod.out_channels: continue
            grp = dg.get_pruning_group(mod, tp.prune_conv_out_channels, idxs=z)
            if dg.check_pruning_group(grp) and _exact(grp): grp.prune()
    return m

def timed(f, reps):
    ts, out = [], None
    for _ in range(reps):
        t = time.perf_counter(); out = f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts), out

def main(models=('resnet50', 'densenet121'), reps=3, frac=0.3, threads=None):
    if threads: torch.set_num_threads(threads)
    import torch_pruning as tp
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, torch-pruning {tp.__version__}, "
          f"{torch.get_num_threads()} threads, medians of {reps}, {frac:.0%} of the BN-followed conv channels zero")
    print(f"{'model':14s} {'dense MACs':>14s} {'l0sgl s':>9s} {'MACs':>14s} {'max|Δy|':>9s} {'TP s':>9s} {'MACs':>14s} {'max|Δy|':>9s} {'l0sgl/TP':>9s}")
    for name in models:
        m = zero_channels(getattr(torchvision.models, name)().eval(), frac, torch.Generator().manual_seed(0))
        x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))
        with torch.no_grad(): y = m(x)
        tl, a = timed(lambda: thin(m, x), reps)
        tt, b = timed(lambda: tp_prune(copy.deepcopy(m), x), reps)
        with torch.no_grad(): da, db = (a(x) - y).abs().max().item(), (b(x) - y).abs().max().item()
        print(f"{name:14s} {count_macs(m, x):14,d} {tl:9.2f} {count_macs(a, x):14,d} {da:9.2e} {tt:9.2f} {count_macs(b, x):14,d} {db:9.2e} {tl/tt:9.2f}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--models', nargs='+', default=['resnet50', 'densenet121'])
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--frac', type=float, default=0.3, help='fraction of channels zeroed per conv')
    ap.add_argument('--threads', type=int, default=None)
    a = ap.parse_args()
    main(a.models, a.reps, a.frac, a.threads)
