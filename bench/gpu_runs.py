"""Train the rows of an experiment's runs.tsv that have no metrics.json, several at a time, until a deadline.

Written for a lent GPU (`bench/gpu.sh`), where device time is short: each row runs as
`python -m l0sgl.cli FLAGS --out DIR --device DEVICE` (with `--resume` when DIR already holds a checkpoint), then
`python -m l0sgl.thin_cli DIR`. Rows still training at the deadline are stopped with SIGINT, then SIGKILL; their last
checkpoint (written atomically after every epoch) stays for `--resume` on any machine. Logs go to `--logs`.

    python bench/gpu_runs.py results/lenet5-mnist [--rows a,b] [--jobs 8] [--device cuda] [--deadline 420] [--logs DIR]

Prints one line per row: finished (with its test error and MACs), stopped (with its last epoch), or failed.
"""
import argparse, json, os, shlex, signal, subprocess, sys, time
from pathlib import Path
from l0sgl.results import read_plan, row_command

def commands(exp:Path, row:dict, device:str)->list:
    "The train and thin commands of one row (train resumes when a checkpoint is there)."
    d = exp/row['name']
    train = [sys.executable, '-m', 'l0sgl.cli', *shlex.split(row_command(exp, row))[1:], '--device', device]   # the row's own command
    if (d/'checkpoint.pt').exists(): train.append('--resume')
    return [train, [sys.executable, '-m', 'l0sgl.thin_cli', str(d)]]

def last_epoch(log:Path)->str:
    "The last `epoch k/n` a training log printed ('?' if none)."
    lines = [l for l in log.read_text(errors='replace').splitlines() if l.startswith('epoch ')] if log.exists() else []
    return lines[-1].split()[1] if lines else '?'

def main(exp, rows=None, jobs=8, device='cuda', deadline=420., logs=None):
    t0, exp = time.monotonic(), Path(exp)
    if not (isinstance(jobs, int) and jobs >= 1): raise SystemExit(f"--jobs must be an integer ≥ 1; got {jobs}")
    want = None if not rows else set(rows.split(','))
    plan = read_plan(exp)
    if want and (bad := want - {r['name'] for r in plan}): raise SystemExit(f"--rows: not in {exp}/runs.tsv: {', '.join(sorted(bad))}")
    todo = [r for r in plan if not (exp/r['name']/'metrics.json').exists() and (want is None or r['name'] in want)]
    logs = Path(logs or exp); logs.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1')
    running, report = {}, []   # name -> [process, remaining commands, log file]
    def start(name, cmds):
        f = open(logs/f'{name}.log', 'a'); f.write('$ ' + shlex.join(cmds[0]) + '\n'); f.flush()
        running[name] = [subprocess.Popen(cmds[0], stdout=f, stderr=subprocess.STDOUT, env=env), cmds[1:], f]
    while todo or running:
        while todo and len(running) < jobs:
            r = todo.pop(0); start(r['name'], commands(exp, r, device))
        time.sleep(1)
        for name, (p, rest, f) in list(running.items()):
            if p.poll() is None: continue
            f.close(); del running[name]
            if p.returncode: report.append(f"{name}: failed (exit {p.returncode}; see {logs/name}.log)")
            elif rest: start(name, rest)
            else:
                m = json.loads((exp/name/'metrics.json').read_text())
                report.append(f"{name}: finished, {m['test_err']:.2f} % error at {100*m['macs']/m['macs_dense']:.2f} % of dense MACs")
        if running and time.monotonic() - t0 > deadline:
            for p, _, _ in running.values(): p.send_signal(signal.SIGINT)
            for name, (p, _, f) in running.items():
                try: p.wait(20)
                except subprocess.TimeoutExpired: p.kill(); p.wait()
                f.close()
                report.append(f"{name}: trained; stopped at the deadline while thinning (run l0sgl_thin on it)" if (exp/name/'metrics.json').exists()
                              else f"{name}: stopped at the deadline after epoch {last_epoch(logs/f'{name}.log')}")
            running.clear(); todo.clear()
    print('\n'.join(report) if report else f'nothing to run in {exp}')
    return report

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('exp'); ap.add_argument('--rows', default=None); ap.add_argument('--jobs', type=int, default=8)
    ap.add_argument('--device', default='cuda'); ap.add_argument('--deadline', type=float, default=420.)
    ap.add_argument('--logs', default=None)
    main(**vars(ap.parse_args()))
