"""Time Wide-ResNet training steps through the Learner with the SGL0 regularizer against a bare PyTorch loop, in one run.

Batches of 128 CIFAR-shaped random images (uint8, drawn by `DeviceLoader` as in training, with crop + flip), the
authors' WRN optimizer (SGD, Nesterov 0.9, lr 0.1, weight decay 5e-4). Three loops over the same batches, each
after a warm-up, on the same device:

* bare:     a plain loop: forward, cross-entropy, backward, `opt.step()`, `zero_grad` (what a user writes);
* learner:  `l0sgl.learner.Learner` with the callbacks `l0sgl_train` uses, without a regularizer;
* learner+SGL0: the same with `RegCB(SparseGroupSplit(...))` in paper mode (the coupling and group term in the loss,
  the V-step after every optimizer step).

Reported: ms per step, learner / bare, and the regularizer's share of a step, (learner+SGL0 − learner) / learner+SGL0.
That share is a difference of two step times, which on a shared CPU moves by more than a few percent between runs;
so the regularizer's own work is also timed directly on the trained model of the third loop: its penalty with the
backward of that penalty alone (`reg.loss()`, paper mode's group term and coupling), and its V-step (`reg.step()`),
median of `4·reps` calls, as a share of the learner+SGL0 step.
The targets (issue #12) are for a GPU: learner / bare ≤ 1.05 and the regularizer ≤ 2 % of a step.

    python bench/wrn_step.py [--model wrn-28-10] [--steps 20] [--device auto] [--amp bf16] [--channels_last]
                             [--compile] [--threads N] [--mode paper|prox] [--reps 3] [--reg_only]
"""
import argparse, statistics, time, torch, torch.nn.functional as F
from l0sgl.models import get_model
from l0sgl.data import DeviceLoader, DataLoaders
from l0sgl.learner import Learner, Callback, DeviceCB, MetricsCB, RegCB, SchedCB, ProgressCB, multistep
from l0sgl.callbacks import GuardCB, AutocastCB, ChannelsLastCB, CompileCB
from l0sgl.recipes import get_recipe
from l0sgl.cli import pick_device, _opt_func, make_config, make_reg

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def loader(steps, dev, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 256, (steps*128, 3, 32, 32), generator=g, dtype=torch.uint8)
    y = torch.randint(0, 10, (steps*128,), generator=g)
    return DeviceLoader(x, y, 128, shuffle=True, seed=seed, mean=[0.49, 0.48, 0.45], std=[0.25, 0.24, 0.26], augment=True, device=dev)

def bare(model, dl, opt, dev, fwd, reps):
    "Seconds per step of a plain training loop over `dl` (median over `reps` passes)."
    ts = []
    for _ in range(reps + 1):
        sync(dev); t0 = time.perf_counter()
        for xb, yb in dl:
            loss = F.cross_entropy(fwd(xb), yb); loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        sync(dev); ts.append((time.perf_counter() - t0)/len(dl))
    return statistics.median(ts[1:])   # the first pass is the warm-up

def learner(model, dl, cfg, dev, reg, accel, reps):
    "Seconds per step of `Learner.fit` over `dl` (one epoch per pass, median over `reps` passes)."
    class T(Callback):   # times the epoch's training phase only (no validation here)
        order = 100
        def before_train(self): sync(dev); self.t0 = time.perf_counter()
        def after_train(self): sync(dev); self.ts.append((time.perf_counter() - self.t0)/len(dl))
    t = T(); t.ts = []
    cbs = [DeviceCB(dev), MetricsCB(stats=False), SchedCB(multistep(cfg['milestones'], cfg['gamma'])), GuardCB(),
           ProgressCB(bar=False, lines=False), t, *accel()] + ([RegCB(reg)] if reg is not None else [])
    learn = Learner(model, DataLoaders(dl, None, 'cifar10', len(dl.y), 10, 3), lr=cfg['lr'], cbs=cbs,
                    opt_func=_opt_func(cfg, model, len(dl.y)))
    learn.fit(reps + 1)
    return statistics.median(t.ts[1:])

def main(model='wrn-28-10', steps=20, device='auto', amp='none', channels_last=False, compile=False, threads=None,
         mode='paper', reps=3, reg_only=False):
    if threads: torch.set_num_threads(threads)
    dev = pick_device(device)
    cfg = make_config(model=model, data='cifar10', mode=mode)
    if reg_only:                                                          # the regularizer's own work, no training step
        torch.manual_seed(0); m = get_model(model, num_classes=10).to(dev)
        reg = make_reg(m, cfg, 50000)
        tloss, tstep = reg_work(m, reg, dev, 4*reps)
        print(f"{model} ({sum(p.numel() for p in m.parameters())/1e6:.1f} M params), device {dev}, torch {torch.__version__}, "
              f"{torch.get_num_threads()} threads, SGL0 mode {mode}, at initialization")
        print(f"the regularizer alone: penalty + its backward {tloss*1e3:.1f} ms, V-step {tstep*1e3:.1f} ms")
        return
    dl = loader(steps, dev)
    def accel():
        return ([ChannelsLastCB()] if channels_last else []) + ([AutocastCB(amp)] if amp != 'none' else []) + \
               ([CompileCB()] if compile else [])
    def fresh():
        torch.manual_seed(0); return get_model(model, num_classes=10).to(dev)
    m = fresh()
    if channels_last: m = m.to(memory_format=torch.channels_last)
    fwd = m
    if amp != 'none':
        dt = torch.bfloat16
        fwd = lambda x, m=m: _amp_fwd(m, x, dt)
    if compile: fwd = torch.compile(fwd)
    opt = _opt_func(cfg, m, len(dl.y))(m.parameters(), lr=cfg['lr'])
    tb = bare(m, _cl(dl, channels_last), opt, dev, fwd, reps)
    tl = learner(fresh(), dl, cfg, dev, None, accel, reps)
    m3 = fresh()
    reg = make_reg(m3, cfg, len(dl.y))                                    # as l0sgl_train builds it
    tr = learner(m3, dl, cfg, dev, reg, accel, reps)
    n = sum(p.numel() for p in m.parameters())
    print(f"{model} ({n/1e6:.1f} M params), batch 128, {steps} steps × {reps} passes (median), device {dev}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, amp {amp}, channels_last {channels_last}, "
          f"compile {compile}, SGL0 mode {mode}")
    print(f"{'loop':>14} {'ms/step':>9} {'ratio':>7}")
    print(f"{'bare':>14} {tb*1e3:9.1f} {1:7.3f}")
    print(f"{'learner':>14} {tl*1e3:9.1f} {tl/tb:7.3f}")
    print(f"{'learner+SGL0':>14} {tr*1e3:9.1f} {tr/tb:7.3f}")
    print(f"learner / bare = {tl/tb:.3f} (target ≤ 1.05); regularizer's share of a step = {(tr - tl)/tr:.1%} (target ≤ 2 %)")
    tloss, tstep = reg_work(m3, reg, dev, 4*reps)
    print(f"the regularizer alone: penalty + its backward {tloss*1e3:.1f} ms, V-step {tstep*1e3:.1f} ms; "
          f"together {(tloss + tstep)/tr:.2%} of a learner+SGL0 step")

def reg_work(m, reg, dev, reps):
    "Median seconds of the regularizer's penalty with its backward, and of its V-step, on model `m`."
    def loss():
        l = reg.loss()
        if isinstance(l, torch.Tensor) and l.requires_grad: l.backward()
    out = []
    for f in (loss, reg.step):
        f(); ts = []
        for _ in range(reps):
            m.zero_grad(set_to_none=True); sync(dev); t0 = time.perf_counter(); f(); sync(dev); ts.append(time.perf_counter() - t0)
        out.append(statistics.median(ts))
    return out

def _amp_fwd(m, x, dt):
    with torch.autocast(x.device.type, dtype=dt): return m(x).float()

class _cl:
    "The batches of `dl`, in channels_last when asked (as `ChannelsLastCB` does)."
    def __init__(self, dl, on): self.dl, self.on = dl, on
    def __len__(self): return len(self.dl)
    def __iter__(self):
        for xb, yb in self.dl: yield (xb.contiguous(memory_format=torch.channels_last) if self.on else xb), yb

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', default='wrn-28-10'); ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--device', default='auto'); ap.add_argument('--amp', default='none', choices=['none', 'bf16'])
    ap.add_argument('--channels_last', action='store_true'); ap.add_argument('--compile', action='store_true')
    ap.add_argument('--threads', type=int, default=None); ap.add_argument('--mode', default='paper', choices=['paper', 'prox'])
    ap.add_argument('--reg_only', action='store_true', help="time only the regularizer's penalty and V-step (no training step)")
    ap.add_argument('--reps', type=int, default=3)
    main(**vars(ap.parse_args()))
