"""Check `prox_sgl0` against the float64 sort on every group of WRN-28-10-size inputs (4480×3760 float32).

For each seed, fraction of survivors `p` (as in bench/prox.py) and `b` (0.3, 1 and 3 × a·√n; at 3 the inputs are
quantized to 2⁻¹¹, so many magnitudes tie), the groups whose support differs from the one the float64 sort of
Steps 2–4 picks (`_sgl0_sorted` on float64 copies), and the largest difference in value. The exit status is 1 if
any group differs. Runs the path this machine takes (Step 13 where its kernel loads; `L0SGL_NATIVE=0` for Steps 8–12).

    python bench/prox_exact.py [--seeds 0 1 2] [--threads 1]
"""
import argparse, math, torch
import l0sgl.prox as P

def main(seeds=(0, 1, 2), threads=1):
    torch.set_num_threads(threads)
    a, n = 0.001/0.04, 3760
    thr = math.sqrt(2*a)
    print(f"torch {torch.__version__}, {threads} threads, Step 13 {'on' if P.NATIVE and P._native() is not None else 'off'}")
    bad = 0
    for seed in seeds:
        torch.manual_seed(seed)
        for p in [0.05, 0.1, 0.11, 0.12, 0.13, 0.15, 0.2, 0.3, 0.9]:
            z = torch.distributions.Normal(0., 1.).icdf(torch.tensor(1 - p/2)).item()
            for bf in [0.3, 1., 3.]:
                b = a*math.sqrt(n)*bf
                y = torch.randn(4480, n)*(thr/z)
                if bf == 3.: y = (y*2**11).round()/2**11
                v = P.prox_sgl0(y, a, b)
                ref = P._sgl0_sorted(P.prox_l0(y.double(), a), a, b, torch.float64).float()
                d = int(((v != 0) != (ref != 0)).any(1).sum()); bad += d
                print(f"seed {seed} p={p:<5g} b={bf:g}·a√n: {d} groups with another support, max |diff| "
                      f"{float((v - ref).abs().max()):.2g}, {int((ref != 0).any(1).sum())} groups keep weights", flush=True)
    print(f"groups with another support, in all: {bad}")
    return bad

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2]); ap.add_argument('--threads', type=int, default=1)
    raise SystemExit(1 if main(**vars(ap.parse_args())) else 0)
