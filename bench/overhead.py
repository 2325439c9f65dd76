"""Time one training step of LeNet-5-Caffe with each regularizer against the same step without one, in one run.

One step = forward, cross-entropy (+ `reg.loss()`), backward, Adam step, `reg.step()`; batch 100 of random
MNIST-shaped data (1×28×28, 10 classes), CPU. Each configuration has its own model (same initial weights) and
optimizer; configurations are timed in turns (`--block` steps at a time, `--reps` turns, the order shuffled every
turn) so that load from other processes hits all of them alike. The result is the median time per step, and the
ratio to the unregularized step as the median over turns of the ratio within a turn (paired, so that slow phases of
the machine cancel; target ≤ 1.05, hard limit 1.10 for the paper's method). On a busy machine that ratio is noisy;
the last two columns time the regularizer's own work alone (`loss()`, its backward, `step()`) and divide it by the
plain step's median: a steadier estimate of the overhead (it leaves out the one extra gradient addition in
autograd).

Configurations: `none`; `l0/paper` (the paper: group lasso + coupling in the W-step, hard thresholding in the V-step);
`l0/prox` (exact joint prox in the V-step) at the authors' λ = 0.1, β0 = 2.5 — at initialization no weight of LeNet-5
exceeds the threshold √(2λ/β) ≈ 0.28, so the prox is cheap — and `l0/prox-dense` with λ = 1e-6, where every weight
survives the threshold and `prox_sgl0` sorts every group (its worst case); the baselines `gl` and `l0hc` for scale.

    python bench/overhead.py [--reps 100] [--block 2] [--threads N] [--configs none,l0/paper,...]
"""
import argparse, random, statistics, time
import torch, torch.nn as nn, torch.nn.functional as F
from l0sgl.split import make_regularizer

class LeNet5Caffe(nn.Module):
    "conv 1→20 5×5, pool, conv 20→50 5×5, pool, fc 800→500, fc 500→10 (as `l0sgl.models.lenet5_caffe`)."
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 20, 5), nn.Conv2d(20, 50, 5)
        self.fc1, self.fc2 = nn.Linear(800, 500), nn.Linear(500, 10)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))

CONFIGS = {'none': None, 'l0/paper': ('l0', dict(mode='paper')), 'l0/prox': ('l0', dict(mode='prox')),
           'l0/prox-dense': ('l0', dict(mode='prox', lam=1e-6)), 'l1/paper': ('l1', {}), 'gl': ('gl', {}), 'l0hc': ('l0hc', {})}

def make(name, n_train=60_000):
    "Model, optimizer and step function of one configuration."
    torch.manual_seed(0)
    m = LeNet5Caffe()
    reg = None if CONFIGS[name] is None else make_regularizer(m, CONFIGS[name][0], n_train, **CONFIGS[name][1])
    opt = torch.optim.Adam([*m.parameters(), *(reg.parameters() if reg else [])], 1e-3)
    def step(xb, yb):
        loss = F.cross_entropy(m(xb), yb)
        if reg is not None: loss = loss + reg.loss()
        opt.zero_grad(); loss.backward(); opt.step()
        if reg is not None: reg.step()
    return step

def reg_alone(name, reps):
    "Median time of the regularizer's own work per step: `loss()`, its backward, `step()` (no data, no optimizer)."
    if CONFIGS[name] is None: return 0.
    torch.manual_seed(0)
    m = LeNet5Caffe(); reg = make_regularizer(m, CONFIGS[name][0], 60_000, **CONFIGS[name][1])
    def f(): reg.loss().backward(); reg.step()
    for _ in range(3): f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

def main(reps=100, block=2, threads=None, configs='none,l0/paper,l0/prox,l0/prox-dense,gl,l0hc'):
    if threads: torch.set_num_threads(threads)
    names = configs.split(',')
    assert names[0] == 'none' and all(n in CONFIGS for n in names), f"configs: 'none' first, then any of {list(CONFIGS)}"
    g = torch.Generator().manual_seed(0)
    xs = [torch.rand(100, 1, 28, 28, generator=g) for _ in range(block)]
    ys = [torch.randint(0, 10, (100,), generator=g) for _ in range(block)]
    steps = {n: make(n) for n in names}
    for n in names:                                     # warm up (allocator, kernels, Adam state)
        for x, y in zip(xs, ys): steps[n](x, y)
    ts = {n: [] for n in names}
    order = list(names)
    for _ in range(reps):
        random.shuffle(order)
        for n in order:
            t0 = time.perf_counter()
            for x, y in zip(xs, ys): steps[n](x, y)
            ts[n].append((time.perf_counter() - t0) / block)
    print(f"LeNet-5-Caffe, batch 100, Adam, CPU, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{reps} turns × {block} steps")
    print(f"{'config':>14} {'ms/step':>8} {'ratio':>6} {'(q25-q75)':>13} {'reg alone ms':>13} {'/ step':>7}")
    base = statistics.median(ts['none'])
    for n in names:
        r = sorted(t/b for t, b in zip(ts[n], ts['none']))
        q = lambda f: r[int(f*(len(r) - 1))]
        ra = reg_alone(n, reps)
        print(f"{n:>14} {statistics.median(ts[n])*1e3:8.2f} {statistics.median(r):6.3f} {q(.25):6.3f}-{q(.75):.3f} "
              f"{ra*1e3:13.2f} {ra/base:7.3f}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--reps', type=int, default=100); ap.add_argument('--block', type=int, default=2)
    ap.add_argument('--threads', type=int, default=None)
    ap.add_argument('--configs', default='none,l0/paper,l0/prox,l0/prox-dense,gl,l0hc')
    main(**vars(ap.parse_args()))
