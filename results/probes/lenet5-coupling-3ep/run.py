"""Probe: SGL0 with only λ divided by N (coupling β unscaled). Usage: python results/probes/lenet5-coupling-3ep/run.py EPOCHS OUT_DIR
Recorded run: python results/probes/lenet5-coupling-3ep/run.py 3 /work/runs/var3  (data root from $L0SGL_DATA)"""
import math, sys
from l0sgl import split
from l0sgl.split import SparseGroupSplit, _apply_penalty, _penalty
from l0sgl.cli import train
def loss(self):
    self._follow(); N, ls = self.n_train, self.layers
    b = list(self.beta)
    c = [lam*math.sqrt(l.n)/N for lam, l in zip(self.lam, ls)] if self.mode == 'paper' else [0.]*len(ls)
    return _apply_penalty(ls, lambda grad: _penalty(ls, self.V, b, c, [0.]*len(ls), grad))
orig = SparseGroupSplit._prox
def _prox(self, l, x, t, out=None): return orig(self, l, x, t/self.n_train, out=out)
SparseGroupSplit.loss = loss; SparseGroupSplit._prox = _prox
m = train(epochs=int(sys.argv[1]), out=sys.argv[2], device='cpu', root=None)
