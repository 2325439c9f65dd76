#!/usr/bin/env python3
"""Refresh the LeNet-5 result blocks of nbs/index.ipynb from the committed runs (the functions 10_lenet5_mnist uses).

    python .ci/tables.py && python .ci/readme.py

Each block sits between `<!-- results:NAME -->` and `<!-- /results:NAME -->` in a markdown cell; NAME is one of
table30, table200, targets, todo. The 10_lenet5_mnist notebook fails its README test when a block is stale.
"""
import json, re, sys
from pathlib import Path
root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root))
from l0sgl.results import *

def blocks():
    EXP = root/'results'/'lenet5-mnist'
    runs = load_experiment(EXP, require_all=False)
    r30, r200 = [r for r in runs if r['epochs'] == 30], [r for r in runs if r['epochs'] == 200]
    kw = dict(published=PUBLISHED_LENET5, macs_fn=lenet5_macs, dense_macs=LENET5_DENSE_MACS)
    todo = missing(EXP)
    return dict(table30=runs_table(r30, labels={r['run']: r['label'] for r in r30}, **kw),
                table200=runs_table(r200, labels={r['run']: r['label'] for r in r200}, authors=True, **kw),
                targets='```\n' + '\n'.join(target_report(runs, LENET5_TARGETS)) + '\n```',
                todo='\n'.join(f"* `{p['name']}`: `{row_command('results/lenet5-mnist', p)}`" for p in todo) or '(none)')

if __name__ == '__main__':
    f = root/'nbs'/'index.ipynb'; nb = json.loads(f.read_text(encoding='utf-8')); b = blocks(); seen = set()
    for c in nb['cells']:
        if c['cell_type'] != 'markdown': continue
        s = ''.join(c['source'])
        for k, v in b.items():
            pat = re.compile(f'(<!-- results:{k} -->\n).*?(\n<!-- /results:{k} -->)', re.S)
            if pat.search(s): s, _ = pat.subn(lambda m: m.group(1) + v + m.group(2), s); seen.add(k)
        c['source'] = s
    f.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    print(f"refreshed {', '.join(sorted(seen)) or 'nothing'} in {f}")
