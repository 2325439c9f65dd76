"""Time one training epoch of LeNet-5-Caffe on MNIST through l0sgl.learner against a bare PyTorch loop, in one run.

Both train the same model (same initial weights) with Adam (lr 1e-3), batch 100, over the same uint8 tensor held on
the device, in the same batch order; the bare loop indexes, converts and steps by hand. The Learner carries the
callbacks `l0sgl_train` uses (device, metrics with per-epoch sparsity stats, schedule, non-finite guard, progress
without a bar) and no regularizer. After one warm-up epoch each, every rep runs both (the order alternates between
reps); the results are the median of the per-rep ratios and the ratio of the fastest epochs (target ≤ 1.1). On a
shared machine use --threads 1: two threads on two busy cores make the timings swing by 10×. Finally the Learner's own
cost per batch is measured where the model costs almost nothing (a linear classifier), which does not drown in noise.

    python bench/epoch.py [--reps 3] [--threads N] [--device cpu] [--root DATA_ROOT]
"""
import argparse, copy, statistics, time, torch, torch.nn.functional as F
from l0sgl.data import get_dls, DataLoaders
from l0sgl.models import lenet5_caffe
from l0sgl.learner import Learner, DeviceCB, MetricsCB, SchedCB, ProgressCB, multistep
from l0sgl.callbacks import GuardCB

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize()

def bare_epoch(model, x, y, bs, seed, epoch, dev):
    "A plain loop: permutation from the same generator, index, convert, forward, loss, backward, step."
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    g = torch.Generator().manual_seed((seed * 1_000_003 + epoch) % 2**63)
    idx = torch.randperm(len(y), generator=g).to(dev)
    for i in range(0, len(y), bs):
        b = idx[i:i+bs]
        xb, yb = x[b].float().div_(255), y[b]
        loss = F.cross_entropy(model(xb), yb)
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    sync(dev)

def learner_epoch(model, dls, dev):
    cbs = [DeviceCB(dev), MetricsCB(stats=True), SchedCB(multistep([40, 80])), GuardCB(), ProgressCB(bar=False, lines=False)]
    Learner(model, dls, lr=1e-3, cbs=cbs).fit(1)
    sync(dev)

def main(reps=3, threads=None, device='cpu', root=None):
    if threads: torch.set_num_threads(threads)
    dev = torch.device(device)
    d = get_dls('mnist', bs=100, root=root, device=dev, seed=0)
    dls = DataLoaders(d.train, None, d.name, d.n_train, d.num_classes, d.in_ch)   # training epoch only, for both
    torch.manual_seed(0); m0 = lenet5_caffe().to(dev)
    print(f"LeNet-5-Caffe, MNIST 60,000 images, batch 100, Adam; torch {torch.__version__}, {device}, "
          f"{torch.get_num_threads()} threads")
    bare_epoch(copy.deepcopy(m0), d.train.x, d.train.y, 100, 0, 0, dev); learner_epoch(copy.deepcopy(m0), dls, dev)  # warm-up
    tb, tl = [], []
    bare = lambda: bare_epoch(copy.deepcopy(m0), d.train.x, d.train.y, 100, 0, 0, dev)
    learner = lambda: learner_epoch(copy.deepcopy(m0), dls, dev)
    for r in range(reps):
        for name in (('bare', 'learner') if r % 2 == 0 else ('learner', 'bare')):   # alternate the order
            t = time.perf_counter(); (bare if name == 'bare' else learner)()
            (tb if name == 'bare' else tl).append(time.perf_counter() - t)
        print(f"rep {r+1}: bare {tb[-1]:.2f} s  learner {tl[-1]:.2f} s  ratio {tl[-1]/tb[-1]:.3f}", flush=True)
    ratios = [a/b for a, b in zip(tl, tb)]
    print(f"median of the per-rep ratios {statistics.median(ratios):.3f}; fastest epochs: bare {min(tb):.2f} s, "
          f"learner {min(tl):.2f} s, ratio {min(tl)/min(tb):.3f}  (target ≤ 1.1)")
    # the Learner's own cost per batch, measured where the model costs almost nothing: a linear classifier
    torch.manual_seed(0); lin = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)).to(dev)
    ob, ol = [], []
    for r in range(max(3, reps)):
        t = time.perf_counter(); bare_epoch(copy.deepcopy(lin), d.train.x, d.train.y, 100, 0, 0, dev); ob.append(time.perf_counter() - t)
        t = time.perf_counter(); learner_epoch(copy.deepcopy(lin), dls, dev); ol.append(time.perf_counter() - t)
    n = len(d.train)
    extra = (min(ol) - min(ob))/n
    print(f"linear model: bare {min(ob)*1e3/n:.3f} ms/batch, learner {min(ol)*1e3/n:.3f} ms/batch: the Learner and its "
          f"callbacks add {extra*1e6:.0f} µs per batch = {100*extra*n/min(tb):.1f} % of a LeNet-5 epoch here")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--threads', type=int, default=None)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--root', default=None, help='data root (default: $L0SGL_DATA or ~/.cache/l0sgl/data)')
    main(**vars(ap.parse_args()))
