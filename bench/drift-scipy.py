# scipy's time for the statistics bench/drift.ts computes, on numpy arrays of the same shapes:
# the reference figure in BENCHMARKS.md.   python3 bench/drift-scipy.py
import time, numpy as np
from scipy import stats
from scipy.spatial import distance
rng = np.random.default_rng(1)
n = 1_000_000
def numeric(shift):
    cols = [rng.normal(shift if i == 0 else 0, 1, n) for i in range(5)]
    cols += [np.exp(rng.normal(shift if i == 0 else 0, 1, n)) * np.where(rng.random(n) < 0.001, 1e4, 1) for i in range(4)]
    cols += [np.round(rng.normal(20, 5, n), 2) for _ in range(3)]
    cols += [np.maximum(0, np.round(rng.normal(3, 1, n))) for _ in range(2)]
    return cols
def categorical():
    out = []
    for k in [2, 5, 30, 265, 1000, 5000]:
        w = 1 / np.arange(1, k + 1); w /= w.sum()
        out.append(rng.choice(k, n, p=w))
    return out
ref_n, cur_n = numeric(0), numeric(0.05)
ref_c, cur_c = categorical(), categorical()
def psi(r, c):
    edges = np.percentile(r, np.arange(10, 100, 10))
    rs = np.bincount(np.searchsorted(edges, r, side='right'), minlength=10) / len(r)
    cs = np.bincount(np.searchsorted(edges, c, side='right'), minlength=10) / len(c)
    rs = np.where(rs == 0, 1e-4, rs); cs = np.where(cs == 0, 1e-4, cs)
    return np.sum((cs - rs) * np.log(cs / rs))
times = []
for rep in range(3):
    t = time.perf_counter(); c0 = time.process_time()
    for r, c in zip(ref_n, cur_n):
        stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)
        stats.ks_2samp(r, c)
        psi(r, c)
    for r, c in zip(ref_c, cur_c):
        k = max(r.max(), c.max()) + 1
        rc = np.bincount(r, minlength=k); cc = np.bincount(c, minlength=k)
        distance.jensenshannon(rc / rc.sum(), cc / cc.sum())
        rs = np.where(rc == 0, 1e-4, rc / rc.sum()); cs = np.where(cc == 0, 1e-4, cc / cc.sum())
        np.sum((cs - rs) * np.log(cs / rs))
    times.append((time.perf_counter() - t, time.process_time() - c0))
print('scipy wall', ' / '.join(f'{w:.2f}' for w, _ in times), 's; cpu', ' / '.join(f'{c:.2f}' for _, c in times), 's')
