"""What the oracle helpers share (oracle-exact, oracle-print, oracle-bal, compare-bal,
journal-same, agree-queries): running ledger and hledger, reading their answers as exact
decimals, comparing balance tables.

run(cmd, files, env) runs ledger or hledger (cmd) and returns its standard output; a failure
raises subprocess.CalledProcessError, as subprocess.run(check=True) does. When
$TALLY_ORACLE_CACHE names a directory (make check sets it, and empties it first), a
successful answer is kept there under a key made of: the tool's binary (path, size, mtime),
the arguments with each journal of `files` replaced by its name and the SHA-256 of its
bytes, the environment the tool reads, and today's date. The same question about the same
bytes is then answered once per run: the plain and the sanitizer passes compare tally with
the same answers, and a fixture asked about in many tests costs one oracle run.

Never kept: a failure, a journal that includes another (the key does not see that file), a
time log (an open session grows with the clock). The journal's path, where the answer
shows it (hledger's JSON source positions), is put back as the path asked about."""
import csv
import datetime
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal, getcontext

getcontext().prec = 100
ENV = {"LC_ALL": "C.UTF-8", "TZ": "UTC", "PATH": "/usr/bin:/bin"}
INCLUDE = re.compile(rb'^[ \t]*!?include[ \t]', re.M)
CLOCK = re.compile(rb'^[iIoO] [0-9]', re.M)
READS = ('LC_ALL', 'LANG', 'TZ', 'PATH')


def _key(cmd, files, env):
    exe = shutil.which(cmd[0], path=env.get('PATH'))
    if exe is None:
        return None
    st = os.stat(exe)
    args = list(cmd[1:])
    for i, f in enumerate(files):
        if f.endswith(('.timeclock', '.timedot')):
            return None
        with open(f, 'rb') as fh:
            data = fh.read()
        if INCLUDE.search(data) or CLOCK.search(data):
            return None
        token = f'\0file{i}:{os.path.basename(f)}:{hashlib.sha256(data).hexdigest()}\0'
        args = [token if a == f else a for a in args]
    what = [exe, st.st_size, st.st_mtime_ns, args, [env.get(k) for k in READS],
            datetime.date.today().isoformat()]
    return hashlib.sha256(json.dumps(what).encode()).hexdigest()


def run(cmd, files=(), env=None):
    env = dict(os.environ) if env is None else env
    cache = os.environ.get('TALLY_ORACLE_CACHE')
    key = _key(cmd, files, env) if cache else None
    if key is not None:
        path = os.path.join(cache, key)
        try:
            with open(path, encoding='utf-8') as fh:
                out = fh.read()
            for i, f in enumerate(files):
                out = out.replace(f'\0file{i}\0', f)
            return out
        except FileNotFoundError:
            pass
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise subprocess.CalledProcessError(r.returncode, cmd, r.stdout, r.stderr)
    if key is not None:
        out = r.stdout
        for i, f in enumerate(files):
            out = out.replace(f, f'\0file{i}\0')
        os.makedirs(cache, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache)
        with os.fdopen(fd, 'w', encoding='utf-8') as fh:
            fh.write(out)
        os.replace(tmp, path)
    return r.stdout


def exact(tool, journal, extra=()):
    """{(account, commodity): amount}, each account's own balance, exact (not
    display-rounded): ledger's register quantities summed, hledger's JSON mantissas."""
    m = {}
    extra = list(extra)
    if tool == "hledger":
        out = run(["hledger", "-f", journal, "bal", "--flat", "-E", "-N", "-O", "json"] + extra,
                  [journal], ENV)
        for row in json.loads(out)[0]:
            for a in row[3]:
                q = a["aquantity"]
                k = (row[0], a["acommodity"])
                m[k] = m.get(k, 0) + Decimal(q["decimalMantissa"]).scaleb(-q["decimalPlaces"])
    else:
        out = run(["ledger", "--args-only", "-f", journal] + extra + ["reg", "--format",
                   "%(account)\t%(commodity(scrub(amount)))\t%(quantity(scrub(amount)))\n"],
                  [journal], ENV)
        for line in out.splitlines():
            acct, com, q = line.split("\t")
            k = (acct, com.strip('"'))
            m[k] = m.get(k, 0) + Decimal(q)
    return {k: v for k, v in sorted(m.items()) if v}


def print_rows(journal, extra=()):
    """The entries `hledger print QUERY` selects, one line each: date, description, then
    every posting's account, commodity and exact quantity."""
    out = run(["hledger", "-f", journal, "print", "-O", "json"] + list(extra), [journal], ENV)
    rows = []
    for t in json.loads(out):
        cells = [t["tdate"], t["tdescription"]]
        for p in t["tpostings"]:
            for a in p["pamount"]:
                q = a["aquantity"]
                v = Decimal(q["decimalMantissa"]).scaleb(-q["decimalPlaces"]).normalize()
                cells.append(f"{p['paccount']} {a['acommodity']} {v:f}")
        rows.append("\t".join(cells))
    return rows


def table(rows):
    """Balance rows (account, commodity, amount; tally's csv header skipped, a leading '
    on a commodity dropped) as a map (account, commodity) -> decimal without zeros."""
    m = {}
    for row in rows:
        if not row or row == ['account', 'commodity', 'amount']:
            continue
        acct, com, amt = row
        if com.startswith("'"):
            com = com[1:]
        m[(acct, com)] = m.get((acct, com), Decimal(0)) + Decimal(amt)
    return {k: v for k, v in m.items() if v != 0}


def tally_csv(text):
    """tally-balance -O csv's output as a table."""
    return table(csv.reader(io.StringIO(text)))


def differences(want, got):
    """One line per (account, commodity) whose amounts differ (a missing key is zero)."""
    return [f"{k[0]} [{k[1]}]: expected {want.get(k, Decimal(0))}, got {got.get(k, Decimal(0))}"
            for k in sorted(set(want) | set(got))
            if want.get(k, Decimal(0)) != got.get(k, Decimal(0))]
