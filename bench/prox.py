"""Time l0sgl.prox operators against a plain tensor copy, in one run (ratios, not seconds, are the result).

A 4480×3760 float32 tensor has the size of WRN-28-10's regularized weights (16.8 M floats, 4480 groups).
Weights are Gaussian with a spread chosen so that a given fraction `p` of them survive hard thresholding at √(2a)
(a = λ/β = 0.001/0.04, the authors' WRN set-up at β0; b = a·√n); `p = 1` is a = 0, every entry a candidate (block soft
thresholding since Step 5 of 00_prox; a full sort per group before). The `sort` column is the same prox computed by
sorting every group (`_sgl0_sorted`, Steps 2–4 alone), i.e. without the fast paths of Steps 5, 6, 8, 9 and 10.
`--eager` turns off the compiled passes (l0sgl.prox.FUSE = False); by default they are on where torch.compile works.
On a CPU with AVX-512 and a C++ compiler, float32 takes Step 13 (one C++ kernel per row, 00_prox); `L0SGL_NATIVE=0`
in the environment runs Steps 8–12 instead, for comparison.
Copy, prox_l0 and prox_sgl0 are timed interleaved, one call of each per repetition, so drift affects them alike.

    [L0SGL_NATIVE=0] python bench/prox.py [--reps 7] [--threads N] [--device cpu|cuda|mps] [--eager]
"""
import argparse, math, statistics, time, torch
import l0sgl.prox
from l0sgl.prox import prox_l0, prox_sgl0, _sgl0_sorted

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)
    elif dev.type == 'mps': torch.mps.synchronize()

def median_time(f, reps, dev=torch.device('cpu')):
    return median_times([f], reps, dev)[0]

def median_times(fs, reps, dev=torch.device('cpu')):
    "Median time of each function, the functions interleaved within every repetition (drift hits all alike)."
    for f in fs: f()
    sync(dev)
    ts = [[] for _ in fs]
    for _ in range(reps):
        for f, t in zip(fs, ts):
            sync(dev); t0 = time.perf_counter(); f(); sync(dev); t.append(time.perf_counter() - t0)
    return [statistics.median(t) for t in ts]

def main(reps=7, threads=None, device='cpu', eager=False, G=4480, n=3760):
    if threads: torch.set_num_threads(threads)
    if eager: l0sgl.prox.FUSE = False
    dev = torch.device(device)
    torch.manual_seed(0)
    a = 0.001/0.04
    b = a*math.sqrt(n)
    thr = math.sqrt(2*a)
    print(f"tensor {G}×{n} = {G*n/1e6:.1f} M float32, torch {torch.__version__}, device {dev}, {torch.get_num_threads()} threads, passes {'eager' if eager else 'fused'}, "
          f"Step 13 {'on' if dev.type == 'cpu' and l0sgl.prox.NATIVE and l0sgl.prox._native() is not None else 'off'}")
    print(f"{'survivors p':>12} {'copy ms':>8} {'l0 ms':>8} {'sgl0 ms':>8} {'sort ms':>8} {'l0/copy':>8} {'sgl0/l0':>8} {'sort/l0':>8}")
    for p in [0.0001, 0.001, 0.01, 0.05, 0.1, 0.12, 0.15, 0.2, 0.3, 0.9, 1.0]:
        if p < 1:
            z = torch.distributions.Normal(0., 1.).icdf(torch.tensor(1 - p/2)).item()   # P(|w| > thr) = p
            x, aa = torch.randn(G, n)*(thr/z), a
        else: x, aa = torch.randn(G, n)*0.05, 0.
        x = x.to(dev)
        o = torch.empty_like(x)
        tc, tl, ts = median_times([lambda: o.copy_(x), lambda: prox_l0(x, aa, out=o), lambda: prox_sgl0(x, aa, b, out=o)], reps, dev)
        tz = median_time(lambda: _sgl0_sorted(prox_l0(x, aa, out=o), aa, b, torch.float32), 1 if p == 1 else max(3, reps//2), dev)
        print(f"{p:>12g} {tc*1e3:8.2f} {tl*1e3:8.2f} {ts*1e3:8.1f} {tz*1e3:8.1f} {tl/tc:8.2f} {ts/tl:8.1f} {tz/tl:8.1f}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--reps', type=int, default=7); ap.add_argument('--threads', type=int, default=None)
    ap.add_argument('--device', default='cpu'); ap.add_argument('--eager', action='store_true')
    main(**vars(ap.parse_args()))
