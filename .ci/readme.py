#!/usr/bin/env python3
"""Write README.md from nbs/index.ipynb without Quarto (which `nbdev_readme` needs).

    python .ci/readme.py          # regenerate README.md
    python .ci/readme.py --check  # exit 1 if README.md is stale

Markdown cells are copied as they are; code cells marked `#| hide` are dropped; other code cells show their source
(without `#|` directives; not at all with `#| echo: false`) and their text or markdown outputs.
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def _directives(src):
    return [l[3:].strip() for l in src.splitlines() if l.startswith('#|')]

def _output(o):
    if o.get('output_type') == 'stream': return '```\n' + ''.join(o['text']).rstrip() + '\n```'
    d = o.get('data', {})
    if 'text/markdown' in d: return ''.join(d['text/markdown']).strip()
    if 'text/plain' in d: return '```\n' + ''.join(d['text/plain']).rstrip() + '\n```'
    return None

def render(nb_path=root/'nbs'/'index.ipynb'):
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    parts = ['<!-- WARNING: generated from nbs/index.ipynb by .ci/readme.py; edit the notebook, not this file -->']
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown': parts.append(src.strip()); continue
        if c['cell_type'] != 'code': continue
        ds = _directives(src)
        if 'hide' in ds or 'exporti' in ds: continue
        code = '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()
        if code and 'echo: false' not in ds: parts.append('```python\n' + code + '\n```')
        parts += [s for s in map(_output, c.get('outputs', [])) if s]
    return '\n\n'.join(p for p in parts if p) + '\n'

if __name__ == '__main__':
    text, out = render(), root/'README.md'
    if '--check' in sys.argv:
        if not out.exists() or out.read_text(encoding='utf-8') != text:
            sys.exit('README.md is stale: regenerate it with `python .ci/readme.py` and commit it.')
        print('README.md is up to date.')
    else: out.write_text(text, encoding='utf-8'); print(f'wrote {out}')
