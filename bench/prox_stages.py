"""Where prox_sgl0's time goes when every group keeps weights: Steps 8 and 9 stage by stage, against prox_l0, in one run.

The same 4480×3760 float32 tensor as bench/prox.py (WRN-28-10's regularized weights), a = 0.001/0.04, b = a·√n.
The stages are the eager loops (l0sgl.prox.FUSE off, Step 13 off); the last three lines are prox_sgl0 with them, with
the fused passes and band contraction of Step 10 (FUSE on, torch.compile), and with Step 13's C++ kernel where it loads.

    python bench/prox_stages.py [--p 0.3] [--reps 5] [--threads N]
"""
import argparse, math, statistics, time, torch
import l0sgl.prox as P

def main(p=0.3, reps=5, threads=None, G=4480, n=3760):
    if threads: torch.set_num_threads(threads)
    a = 0.001/0.04; b = a*math.sqrt(n)
    z = torch.distributions.Normal(0., 1.).icdf(torch.tensor(1 - p/2)).item()
    x = torch.randn(G, n, generator=torch.Generator().manual_seed(0))*(math.sqrt(2*a)/z)
    o, sq, dt = torch.empty_like(x), torch.float64, torch.float32
    names = ['prox_l0', 'Step 8 (_needs_sort)', 'certificate', 'band pass', 'resolve', 'write', 'prox_sgl0', 'prox_sgl0 (fused)',
             'prox_sgl0 (Step 13)']
    ts = {k: [] for k in names}
    for _ in range(reps + 1):                                             # the first round warms up, not counted
        P.FUSE, P.NATIVE = False, False; T = [time.perf_counter()]
        P.prox_l0(x, a, out=o); T.append(time.perf_counter())
        P._needs_sort(x, a, b, dt); T.append(time.perf_counter())
        ok, lo, hi = P._band_certificate(x, None, a, b); T.append(time.perf_counter())
        mlo, mhi = P._mag_above(lo.to(sq), dt), P._mag_above(hi.to(sq), dt)
        S, N, R, V = P._band(x, None, mlo, mhi, sq); T.append(time.perf_counter())
        tau, scale = P._band_resolve(S, N, R, V, a, b, G, sq); T.append(time.perf_counter())
        P._band_write(x, None, torch.where(tau < 0, mhi, tau), scale.to(dt), o); T.append(time.perf_counter())
        P.prox_sgl0(x, a, b, out=o); T.append(time.perf_counter())
        P.FUSE = True; P.prox_sgl0(x, a, b, out=o); T.append(time.perf_counter())
        P.NATIVE = True; P.prox_sgl0(x, a, b, out=o); T.append(time.perf_counter())
        if _: [ts[k].append(T[i+1] - T[i]) for i, k in enumerate(names)]
    print(f"p = {p}: {int(ok.sum())} of {G} groups certified, band {R.numel()/G:.1f} entries per group; {torch.get_num_threads()} threads")
    l0 = statistics.median(ts['prox_l0'])
    for k in names: print(f"{k:>22} {statistics.median(ts[k])*1e3:8.1f} ms {statistics.median(ts[k])/l0:6.1f}× prox_l0")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--p', type=float, default=0.3); ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--threads', type=int, default=None)
    main(**vars(ap.parse_args()))
