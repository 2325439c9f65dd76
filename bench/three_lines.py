"""The README's three-line API with the class defaults, on LeNet-5-Caffe and on an unmodified torchvision resnet18.

    python bench/three_lines.py [--epochs 2] [--n_train 20000] [--threads 1] [--out FILE.json]

Trains with the README's loop (Adam 1e-3, batch 100; `reg = SparseGroupSplit(model, n_train)`; loss + reg.loss();
reg.step() after opt.step(); reg.after_epoch(epoch)), then `finalize()`, and reports the test accuracy of W and of the
finalized model (all 10,000 MNIST test images; resnet18 sees them padded to 32×32 and repeated over 3 channels).
MNIST comes from $L0SGL_DATA (see l0sgl.data.prepare).
"""
import argparse, json, time, warnings
import torch, torch.nn.functional as F, torchvision
from l0sgl.data import get_dls
from l0sgl.models import get_model
from l0sgl.split import SparseGroupSplit
from l0sgl.groups import model_stats
from l0sgl.learner import evaluate

def to_rgb32(x): return F.pad(x, (2, 2, 2, 2)).expand(-1, 3, -1, -1)

def accuracy(model, dl, f): return 100 * evaluate(model, ((f(xb), yb) for xb, yb in dl))[1]   # in eval mode, without autograd

def run(name, epochs, n_train):
    torch.manual_seed(0)
    dls = get_dls('mnist', 100, n_train=n_train, seed=0)
    model, f = (get_model('lenet5'), lambda x: x) if name == 'lenet5' else (torchvision.models.resnet18(num_classes=10), to_rgb32)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    reg = SparseGroupSplit(model, n_train=dls.n_train)                  # the README's line, default arguments
    t0 = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        for xb, yb in dls.train:
            loss = F.cross_entropy(model(f(xb)), yb) + reg.loss(); loss.backward(); opt.step(); opt.zero_grad(); reg.step()
        reg.after_epoch(epoch)
    acc_w = accuracy(model, dls.valid, f)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always'); reg.finalize()
    acc_v, st = accuracy(model, dls.valid, f), model_stats(model)
    return dict(model=name, epochs=epochs, n_train=dls.n_train, beta0=reg.beta[0], lam=reg.lam[0], acc_w=acc_w, acc_finalized=acc_v,
                drop=acc_w - acc_v, weight_sparsity=st['weight_sparsity'], group_sparsity=st['group_sparsity'],
                warnings=[str(x.message) for x in w], seconds=time.perf_counter() - t0)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--epochs', type=int, default=2); p.add_argument('--n_train', type=int, default=20000)
    p.add_argument('--threads', type=int, default=1); p.add_argument('--models', default='lenet5,resnet18'); p.add_argument('--out')
    a = p.parse_args(); torch.set_num_threads(a.threads); torch.set_flush_denormal(True)
    rows = [run(m, a.epochs, a.n_train) for m in a.models.split(',')]
    for r in rows: print(f"{r['model']:9s} W {r['acc_w']:.2f} %  finalized {r['acc_finalized']:.2f} %  (drop {r['drop']:.2f} points; "
                        f"weight sparsity {100*r['weight_sparsity']:.1f} %, {r['seconds']:.0f} s){'  WARN: ' + r['warnings'][0] if r['warnings'] else ''}")
    if a.out: open(a.out, 'w').write(json.dumps(dict(command='python bench/three_lines.py ' + ' '.join(f'--{k} {v}' for k, v in vars(a).items() if v and k != 'out'), rows=rows), indent=1))
