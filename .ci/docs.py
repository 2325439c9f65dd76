#!/usr/bin/env python
"""The docs site, built here and offline: `python .ci/docs.py` writes `_docs/`; `--check` also opens every page in
headless Chromium and fails on what a reader would trip over.

Build: nbdev processes the notebooks exactly as it does for Quarto (`nbdev.serve.proc_nbs`: directives applied,
hidden cells dropped, `show_doc` API entries added and executed) into `_proc/`; this script then applies the few
Quarto cell options nbconvert does not know (`echo`, `output`, `include`), turns the front matter into a title,
makes nbdev's absolute doc links relative, and hands the notebooks to mkdocs (mkdocs-material theme, mkdocs-jupyter
for the notebooks, which renders them with nbconvert). MathJax comes from the npm registry at build time and is
served with the site, so pages render with no network. The navigation is `nbs/sidebar.yml`, the same file Quarto
reads for the published site.
"""
import argparse, functools, http.server, json, os, re, shutil, subprocess, sys, tarfile, threading, time, urllib.parse, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC, OUT, CHECK, CACHE = ROOT/'_docs_src', ROOT/'_docs', ROOT/'_docs_check', ROOT/'.ci-cache'
MATHJAX = 'mathjax@2.7.9'          # nbconvert's template configures MathJax 2 (MathJax.Hub)
MATHJAX_URL = 'assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe'
SITE_PREFIX = 'https://l0sgl.github.io/l0sgl/'   # where nbdev's doc links point (settings.ini doc_host + doc_baseurl)

def sh(cmd, **kw):
    r = subprocess.run(cmd, cwd=kw.pop('cwd', ROOT), capture_output=True, text=True, **kw)
    if r.returncode: sys.exit(f"docs: {' '.join(map(str, cmd))} failed:\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
    return r.stdout

# ---------------------------------------------------------------- navigation (one file for Quarto and for this site)
def sidebar():
    "[(section or None, [notebook file names])] from nbs/sidebar.yml, in order."
    import yaml
    out = []
    for e in yaml.safe_load((ROOT/'nbs'/'sidebar.yml').read_text())['website']['sidebar']['contents']:
        if isinstance(e, str): out.append((None, [e]))
        else: out.append((e['section'], list(e['contents'])))
    return out

def notebooks(): return sorted(p.name for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith(('_', '.')))

# ---------------------------------------------------------------- from nbdev's processed notebooks to mkdocs pages
def front_matter(nb):
    import yaml
    c = nb['cells'][0] if nb['cells'] else None
    s = ''.join(c['source']) if c else ''
    if c is None or c['cell_type'] != 'raw' or not s.startswith('---'): return {}
    nb['cells'].pop(0)
    return yaml.safe_load(s.strip().strip('-')) or {}

_DIREC = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')
_ATTRS = re.compile(r'(\[[^\]]*\]\([^)]*\))\{[^}]*\}')         # pandoc's [text](url){attrs}: Quarto-only syntax
_API_H = re.compile(r'^(#{2,4}) ([A-Za-z_][\w.]*)[ \t]*$', re.M)       # the heading of a show_doc entry
_SOURCE = re.compile(r'^\[source\]\(([^)]*)\)\{[^}]*\}[ \t]*$', re.M)   # its link to the source

def relink(s:str, pages:dict)->str:
    "nbdev's absolute doc links and links to notebook files, made relative to the local site."
    s = s.replace(SITE_PREFIX, '')
    return re.sub(r'\]\(([\w-]+)\.ipynb(#[^)]*)?\)', lambda m: f"]({pages.get(m[1]+'.ipynb', m[1]+'.html')}{m[2] or ''})", s)

def api_markdown(s:str, pages:dict)->str:
    "A show_doc entry: pandoc attributes dropped, its heading given nbdev's anchor (the lower-cased name)."
    s = _SOURCE.sub(r'<a class="l0sgl-source" href="\1">source</a>', relink(s, pages))
    s = _ATTRS.sub(r'\1', s)
    return _API_H.sub(lambda m: f'<h{len(m[1])} id="{m[2].lower()}" class="l0sgl-api">{m[2]}</h{len(m[1])}>', s)

def page(nb:dict, pages:dict, fm:dict):
    "Apply the Quarto options nbconvert ignores; title from the front matter (`fm`, already taken off by `front_matter`)."
    cells = []
    if fm.get('title'):
        import markdown
        sub = markdown.markdown(fm.get('description', '')).removeprefix('<p>').removesuffix('</p>')
        head = f"# {fm['title']}\n" + (f'\n<p class="l0sgl-subtitle">{sub}</p>\n' if sub else '')
        cells.append(dict(cell_type='markdown', metadata={}, source=head, id='l0sgl-title'))
    for c in nb['cells']:
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        if c['cell_type'] == 'markdown':
            c['source'] = relink(src, pages)
        elif c['cell_type'] == 'code':
            lines = src.splitlines(); opts = {}
            while lines and (m := _DIREC.match(lines[0])): opts[m[1]] = m[2].lower(); lines.pop(0)
            if opts.get('include') == 'false': continue
            c['source'] = '\n'.join(lines)
            tags = c.setdefault('metadata', {}).setdefault('tags', [])
            if opts.get('echo') == 'false' or not c['source'].strip(): tags.append('l0sgl-hide-input')
            if opts.get('output') == 'false': c['outputs'] = []
            for o in c.get('outputs', []):
                md = o.get('data', {}).get('text/markdown')
                if md is not None:
                    md = ''.join(md) if isinstance(md, list) else md
                    o['data']['text/markdown'] = api_markdown(md, pages)
                    o['data'].pop('text/plain', None)
            if not c['source'].strip() and not c.get('outputs'): continue
        elif c['cell_type'] == 'raw': continue
        cells.append(c)
    nb['cells'] = cells

def images(nb:dict)->list:
    "Local image paths named in markdown cells."
    out = []
    for c in nb['cells']:
        if c['cell_type'] != 'markdown': continue
        s = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        out += [u for u in re.findall(r'!\[[^\]]*\]\(([^)\s]+)', s) + re.findall(r'<img[^>]*src="([^"]+)"', s) if '://' not in u]
    return out

def vendor_mathjax(dst:Path):
    "MathJax from the npm registry (cached in .ci-cache), copied without the files a CHTML page never asks for."
    CACHE.mkdir(exist_ok=True)
    tgz = next(CACHE.glob('mathjax-*.tgz'), None)
    if tgz is None:
        env = dict(os.environ, npm_config_cache=str(CACHE/'npm'), npm_config_update_notifier='false', npm_config_fund='false')
        sh(['npm', 'pack', MATHJAX, '--pack-destination', str(CACHE)], env=env, cwd=CACHE)
        tgz = next(CACHE.glob('mathjax-*.tgz'))
    unpacked = CACHE/'mathjax'
    if not unpacked.exists():
        with tarfile.open(tgz) as t: t.extractall(CACHE/'mathjax-tmp', filter='data')
        (CACHE/'mathjax-tmp'/'package').rename(unpacked); shutil.rmtree(CACHE/'mathjax-tmp')
    skip = shutil.ignore_patterns('unpacked', 'test', 'docs', 'otf', 'eot', 'svg', 'png', 'SVG', '*.md')
    shutil.copytree(unpacked, dst, ignore=skip, dirs_exist_ok=True)

CSS = """
/* l0sgl: wider text column, readable tables and outputs */
.md-grid { max-width: 76rem; }
.l0sgl-subtitle { font-size: 1.05rem; color: var(--md-default-fg-color--light); margin-top: -0.6rem; }
.jupyter-wrapper .jp-OutputArea-output pre { max-height: 28em; overflow: auto; }
.jupyter-wrapper .jp-RenderedHTMLCommon table, .jupyter-wrapper .jp-RenderedMarkdown table { display: block; overflow-x: auto; max-width: 100%; font-size: 0.8rem; }
.md-typeset .jupyter-wrapper table { font-size: 0.66rem !important; }
.md-typeset .jupyter-wrapper table td, .md-typeset .jupyter-wrapper table th { padding: 0.35em 0.7em !important; }
.jupyter-wrapper .jp-RenderedImage img, .jupyter-wrapper .jp-RenderedMarkdown img { max-width: 100%; height: auto; }
.jupyter-wrapper .highlight pre { overflow-x: auto; }
.md-typeset .jupyter-wrapper .highlight pre, .md-typeset .jupyter-wrapper .highlight code,
.md-typeset .jupyter-wrapper .jp-OutputArea-output pre { font-size: 0.68rem !important; line-height: 1.45; }
.jupyter-wrapper a.l0sgl-source { float: right; font-size: 0.7rem; }
.jupyter-wrapper h3.l0sgl-api, .jupyter-wrapper h4.l0sgl-api { font-family: var(--md-code-font-family, monospace); }
.jupyter-wrapper .jp-InputPrompt, .jupyter-wrapper .jp-OutputPrompt { display: none !important; }
"""

def _skip_flags():
    from nbdev.config import get_config
    return get_config().tst_flags.split()

def exec_one(name:str):
    "Run nbs/NAME as nbdev_test runs it (same skipped flags, IN_TEST set, cwd nbs/); its outputs by cell id to _docs_outputs/."
    from execnb.shell import CaptureShell
    from nbdev.process import NBProcessor
    from nbdev.frontmatter import FrontmatterProc
    from fastcore.xtras import working_directory
    os.environ['IN_TEST'] = '1'
    fn = ROOT/'nbs'/name; flags = set(_skip_flags())
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    def skip(cell):
        if cell.cell_type != 'code': return True
        d = getattr(cell, 'directives_', {}) or {}
        return d.get('eval:', [''])[0].lower() == 'false' or bool(flags & d.keys())
    k = CaptureShell(fn)
    with working_directory(fn.parent):
        try: k.run_all(nb, exc_stop=True, preproc=skip)
        except Exception: sys.exit(f"docs: executing {name} failed:\n{k.prettytb(fname=fn)}")
    out = SRC.parent/'_docs_outputs'; out.mkdir(exist_ok=True)
    keep = lambda o: {k: v for k, v in dict(o).items() if k in ('output_type', 'name', 'text', 'data', 'metadata', 'ename', 'evalue', 'traceback')}
    (out/(name + '.json')).write_text(json.dumps({c.get('id'): [keep(o) for o in c.get('outputs', [])] for c in nb.cells if c.get('outputs')}))

def build(workers:int=2, execute:bool=False)->dict:
    "Write _docs/; returns {notebook file: page file}."
    import yaml
    t0 = time.time()
    nav, listed = sidebar(), [n for _, ns in sidebar() for n in ns]
    missing = sorted(set(notebooks()) - set(listed)); extra = sorted(set(listed) - set(notebooks()))
    if missing or extra: sys.exit(f"docs: nbs/sidebar.yml must list every notebook once: not listed {missing}, listed but absent {extra}")
    os.chdir(ROOT)
    # nbdev's processing, in a child process: its warnings about setup cells (imports beside other code) stay quiet
    # unless it fails
    out = sh([sys.executable, '-c', f"from nbdev.serve import proc_nbs; print(proc_nbs({str(ROOT/'nbs')!r}, n_workers={workers}))"])
    proc = Path(out.strip().splitlines()[-1])
    print(f"docs: nbdev processed {len(listed)} notebooks into {proc.relative_to(ROOT)} in {time.time()-t0:.0f} s")
    if execute:   # the notebooks are committed without outputs: run them as nbdev_test does, keeping what they show
        shutil.rmtree(SRC.parent/'_docs_outputs', ignore_errors=True)
        t1 = time.time()
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(workers) as ex:
            list(ex.map(lambda n: sh([sys.executable, __file__, '--exec-one', n]), listed))
        print(f"docs: executed {len(listed)} notebooks (cells flagged {' '.join(_skip_flags())} skipped) in {time.time()-t1:.0f} s")
    nbs = {n: json.loads((proc/n).read_text()) for n in listed}
    if execute:   # nbdev's processing keeps cell ids: each processed cell gets the outputs of its source cell
        for n, nb in nbs.items():
            outs = json.loads((SRC.parent/'_docs_outputs'/(n + '.json')).read_text())
            for c in nb['cells']:
                if c['cell_type'] == 'code' and not c.get('outputs') and outs.get(c.get('id')):
                    c['outputs'] = [dict(o, execution_count=None) if o.get('output_type') == 'execute_result' else o for o in outs[c['id']]]
    fms = {n: front_matter(nb) for n, nb in nbs.items()}
    pages = {n: (fms[n].get('output-file') or Path(n).stem + '.html') for n in listed}
    shutil.rmtree(SRC, ignore_errors=True); (SRC/'assets').mkdir(parents=True)
    for n, nb in nbs.items():
        page(nb, pages, fms[n])
        for u in images(nb):
            f = next((p for p in (ROOT/'nbs'/u, ROOT/u) if p.is_file()), None)
            if f is None: sys.exit(f"docs: {n} shows an image that is not in the repo: {u}")
            (SRC/u).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(f, SRC/u)
        (SRC/(Path(pages[n]).stem + '.ipynb')).write_text(json.dumps(nb))
    vendor_mathjax(SRC/'assets'/'mathjax')
    (SRC/'assets'/'l0sgl.css').write_text(CSS)
    title = lambda n: fms[n].get('title') or Path(n).stem
    entry = lambda n: {title(n) if n != 'index.ipynb' else 'Home': Path(pages[n]).stem + '.ipynb'}
    cfg = dict(
        site_name='l0sgl', site_description=fms.get('index.ipynb', {}).get('description', ''),
        docs_dir=str(SRC), site_dir=str(OUT), use_directory_urls=False, strict=False,
        theme=dict(name='material', font=False, features=['navigation.footer', 'navigation.sections', 'navigation.top',
                                                           'toc.follow', 'content.code.copy'],
                   palette=dict(primary='indigo', accent='indigo')),
        extra_css=['assets/l0sgl.css'],
        plugins=['search', {'mkdocs-jupyter': dict(include_source=False, custom_mathjax_url=MATHJAX_URL, ignore_h1_titles=True,
                                                   remove_tag_config=dict(remove_input_tags=['l0sgl-hide-input']),
                                                   highlight_extra_classes='l0sgl-code', toc_depth=3)}],
        nav=[entry(ns[0]) if s is None else {s: [entry(n) for n in ns]} for s, ns in nav])
    (SRC.parent/'_docs_mkdocs.yml').write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    shutil.rmtree(OUT, ignore_errors=True)
    sh([sys.executable, '-m', 'mkdocs', 'build', '-q', '-f', str(SRC.parent/'_docs_mkdocs.yml')])
    (SRC.parent/'_docs_mkdocs.yml').unlink()
    (SRC/'pages.json').write_text(json.dumps(pages, indent=1))   # after the build: not part of the site
    for n in listed:
        if not (OUT/pages[n]).is_file(): sys.exit(f"docs: {n} produced no page {pages[n]}")
    print(f"docs: site in {OUT.relative_to(ROOT)}/ ({len(listed)} pages) in {time.time()-t0:.0f} s; open {OUT.relative_to(ROOT)}/index.html "
          f"or serve it: python -m http.server -d {OUT.relative_to(ROOT)} 8000")
    return pages

def pages_of()->dict:
    "{notebook: page} of the site last built into _docs/."
    f = SRC/'pages.json'
    if not f.is_file() or not (OUT/'index.html').is_file(): sys.exit("docs: nothing built yet: run python .ci/docs.py first")
    return json.loads(f.read_text())

# ---------------------------------------------------------------- the browser test
def api_symbols()->dict:
    "{page: [(symbol, anchor)]} for every public module-level function and class nbdev exported."
    sys.path.insert(0, str(ROOT))
    from l0sgl._modidx import d
    out = {}
    for mod, syms in d['syms'].items():
        for full, (url, _) in syms.items():
            name = full[len(mod)+1:]
            if '.' in name or name.startswith('_'): continue
            pg, _, anchor = url.partition('#')
            out.setdefault(pg, []).append((name, anchor))
    return out

class _Handler(http.server.SimpleHTTPRequestHandler):
    failed = []
    def log_message(self, fmt, *a):
        if len(a) > 1 and str(a[1]).startswith(('4', '5')): self.failed.append(f"{a[1]} {self.path}")

_PAGE_JS = r"""
const bad = [], skip = new Set(['PRE','CODE','SCRIPT','STYLE','TEXTAREA','MJX-CONTAINER']);
const walk = document.createTreeWalker(document.querySelector('article') || document.body, NodeFilter.SHOW_TEXT, {acceptNode(n) {
  for (let e = n.parentElement; e; e = e.parentElement) { if (skip.has(e.tagName) || e.classList.contains('MathJax') ||
      e.classList.contains('MathJax_Preview') || e.classList.contains('MJX_Assistive_MathML')) return NodeFilter.FILTER_REJECT; }
  return NodeFilter.FILTER_ACCEPT; }});
let raw = [];
while (walk.nextNode()) { const t = walk.currentNode.textContent;
  const m = t.match(/\$\$|```|\\(begin|frac|operatorname|mathbf|sum|lambda|beta)\b/); if (m) raw.push(t.trim().slice(0, 80)); }
const imgs = [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src').slice(0, 80));
const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
const api = [...document.querySelectorAll('.l0sgl-api')].map(e => e.id);
const wide = document.documentElement.scrollWidth - document.documentElement.clientWidth;
const jax = !!(window.MathJax && window.MathJax.Hub);
return {raw, imgs, links, ids, api, wide, jax, title: document.title};
"""

def check(pages:dict, shots:bool=True)->int:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_Handler, directory=str(OUT)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}/"
    o = webdriver.ChromeOptions()
    browser = next(filter(None, map(shutil.which, ('chromium', 'chromium-browser', 'google-chrome'))), None)
    driver = shutil.which('chromedriver')
    if not browser or not driver: sys.exit("docs --check needs Chromium and ChromeDriver: apt-get install chromium chromium-driver")
    o.binary_location = browser
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,900',
              '--no-first-run', '--disable-background-networking', '--disable-component-update'): o.add_argument(a)
    o.set_capability('goog:loggingPrefs', {'browser': 'ALL', 'performance': 'ALL'})
    drv = webdriver.Chrome(service=Service(driver), options=o)
    drv.set_page_load_timeout(60)
    problems, seen, queue, ids = {}, set(), ['index.html'], {}
    shutil.rmtree(CHECK, ignore_errors=True); CHECK.mkdir()
    def say(pg, msg): problems.setdefault(pg, []).append(msg)
    try:
        while queue:
            pg = queue.pop(0)
            if pg in seen: continue
            seen.add(pg); drv.get_log('performance'); drv.get_log('browser')
            drv.get(base + pg)
            t = time.time()   # MathJax 2 typesets after load: wait for its queue to drain
            while time.time() - t < 30 and not drv.execute_script(
                    "return document.readyState === 'complete' && !!window.MathJax && !!MathJax.Hub && "
                    "MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0 && !document.querySelector('.MathJax_Processing')"):
                time.sleep(0.2)
            time.sleep(0.3)
            r = drv.execute_script(_PAGE_JS)
            ids[pg] = set(r['ids'])
            if not r['jax']: say(pg, 'MathJax did not load')
            for e in drv.get_log('browser'):
                if e['level'] in ('SEVERE', 'ERROR'): say(pg, f"console: {e['message'][:200]}")
            for e in drv.get_log('performance'):
                m = json.loads(e['message'])['message']; p = m.get('params', {})
                if m['method'] == 'Network.requestWillBeSent':
                    u = p['request']['url']
                    if not u.startswith((base, 'data:', 'blob:', 'about:')): say(pg, f"request outside the site: {u[:120]}")
                elif m['method'] == 'Network.loadingFailed' and not p.get('canceled'):
                    say(pg, f"failed request: {p.get('errorText')} ({p.get('type')})")
                elif m['method'] == 'Network.responseReceived' and p['response']['status'] >= 400:
                    say(pg, f"HTTP {p['response']['status']}: {p['response']['url'][:120]}")
            for s in r['raw'][:5]: say(pg, f"markdown or maths left raw: {s!r}")
            for s in r['imgs']: say(pg, f"image not loaded: {s}")
            if r['wide'] > 2: say(pg, f"the page scrolls sideways by {r['wide']} px")
            for u in r['links']:
                u, _, frag = u.partition('#')
                if not u.startswith(base): continue
                rel = urllib.parse.unquote(u[len(base):]) or 'index.html'
                if rel.endswith('.html'):
                    if rel not in seen: queue.append(rel)
                elif not (OUT/rel).is_file(): say(pg, f"link to a missing file: {rel}")
            if shots:
                drv.save_screenshot(str(CHECK/f"{Path(pg).stem}.png"))
                if pg in ('index.html', 'prox.html'):
                    h = drv.execute_script("return document.documentElement.scrollHeight")
                    for k, y in enumerate(range(900, min(h, 900*6), 900)):
                        drv.execute_script(f"window.scrollTo(0, {y})"); time.sleep(0.2)
                        drv.save_screenshot(str(CHECK/f"{Path(pg).stem}-{k+1}.png"))
                for k, im in enumerate(drv.find_elements('css selector', 'article img')[:4]):   # every figure, as a reader sees it
                    drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", im); time.sleep(0.2)
                    drv.save_screenshot(str(CHECK/f"{Path(pg).stem}-fig{k+1}.png"))
    finally:
        drv.quit(); srv.shutdown()
    for n, pg in pages.items():
        if pg not in seen: say(pg, f"{n}: no page reachable by links from the home page")
    n_api = 0
    for pg, syms in api_symbols().items():
        for name, anchor in syms:
            n_api += 1
            if anchor not in ids.get(pg, set()): say(pg, f"no API entry for {name} (#{anchor})")
    for f in _Handler.failed: say('server', f"served {f}")
    print(f"docs --check: {len(seen)} pages opened in headless Chromium, {n_api} API entries looked up; screenshots in {CHECK.relative_to(ROOT)}/")
    for pg, ms in problems.items():
        print(f"  {pg}:"); [print(f"    {m}") for m in ms[:20]]
        if len(ms) > 20: print(f"    … and {len(ms)-20} more")
    print('docs --check: ' + ('FAILED' if problems else 'passed'))
    return 1 if problems else 0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--check', action='store_true', help='build, then open every page in headless Chromium')
    ap.add_argument('--no-shots', action='store_true', help='with --check: no screenshots')
    ap.add_argument('--no-build', action='store_true', help='with --check: check the _docs/ already built')
    ap.add_argument('--exec', action='store_true', help='run the notebooks first (as nbdev_test does) so pages show their outputs and figures')
    ap.add_argument('--exec-one', help=argparse.SUPPRESS)
    ap.add_argument('--workers', type=int, default=2, help='notebooks processed in parallel')
    a = ap.parse_args()
    if a.exec_one: sys.exit(exec_one(a.exec_one))
    pages = pages_of() if a.no_build else build(a.workers, a.exec)
    sys.exit(check(pages, not a.no_shots) if a.check else 0)
