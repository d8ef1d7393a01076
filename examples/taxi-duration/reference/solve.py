# Development aid, not part of the pipeline or the tests: computes reference solutions with scipy for
# the design matrices reference/export-design.ts wrote, by methods independent of ours:
#   OLS   least-norm solution: sparse direct solve (SuperLU) of the normal equations of [X, 1] with the
#         constraint that the PU_DO coefficients sum to zero (the null direction of the centred X).
#   Ridge sparse direct solve of the normal equations of [X, 1], intercept unpenalised.
#   Lasso FISTA on column-scaled variables picks the support and signs; the reduced problem is then
#         solved exactly and the KKT conditions are checked on every coordinate, which certifies the
#         optimum (the objective is convex), however the support was found.
# Usage: python3 reference/solve.py /tmp/taxi-design
import json, sys, time
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

d = sys.argv[1] if len(sys.argv) > 1 else '/tmp/taxi-design'
features = json.load(open(f'{d}/features.json'))
p = len(features)
def load(name):
    start = np.fromfile(f'{d}/{name}-row-start.i32', dtype='<i4')
    idx = np.fromfile(f'{d}/{name}-indices.i32', dtype='<i4')
    val = np.fromfile(f'{d}/{name}-values.f64', dtype='<f8')
    y = np.fromfile(f'{d}/{name}-y.f64', dtype='<f8')
    return sp.csr_matrix((val, idx, start), shape=(len(start) - 1, p)), y
X, y = load('train')
Xv, yv = load('val')
n = X.shape[0]
group = np.array([f.startswith('PU_DO=') for f in features])

def report(name, w, b, extra=''):
    rt = np.sqrt(np.mean((X @ w + b - y) ** 2)); rv = np.sqrt(np.mean((Xv @ w + b - yv) ** 2))
    mt = np.mean(np.abs(X @ w + b - y)); mv = np.mean(np.abs(Xv @ w + b - yv))
    print(json.dumps(dict(model=name, train_rmse=rt, val_rmse=rv, train_mae=mt, val_mae=mv, intercept=b,
                          trip_distance=w[features.index('trip_distance')], nonzero=int(np.count_nonzero(w)), extra=extra)))

Xa = sp.hstack([X, np.ones((n, 1))]).tocsc()
G = (Xa.T @ Xa).tocsc()
rhs = Xa.T @ y

# OLS with the least-norm constraint, by a Lagrange multiplier row.
c = np.append(group.astype(float), 0.0)
K = sp.bmat([[G, sp.csc_matrix(c).T], [sp.csc_matrix(c), None]]).tocsc()
sol = spsolve(K, np.append(rhs, 0.0))
w, b = sol[:p], sol[p]
Xm = np.asarray(X.mean(axis=0)).ravel()
Xc_r = lambda w: (X @ w - Xm @ w) - (y - y.mean())
grad = X.T @ Xc_r(w) - Xm * Xc_r(w).sum()
report('ols', w, b, f'normal residual inf-norm {np.abs(grad).max():.3e}')

for alpha in [0.1, 1.0, 10.0]:
    P = sp.diags(np.append(np.full(p, alpha), 0.0))
    sol = spsolve((G + P).tocsc(), rhs)
    report(f'ridge-{alpha}', sol[:p], sol[p])

def lasso(alpha):
    yc = y - y.mean()
    Xc = lambda w: X @ w - Xm @ w
    XcT = lambda r: X.T @ r - Xm * r.sum()
    norms = np.sqrt(np.maximum(np.asarray(X.multiply(X).sum(axis=0)).ravel() - n * Xm**2, 0))
    scale = np.where(norms > 0, 1 / np.maximum(norms, 1e-300), 0)
    # FISTA in z = w / scale: f(z) = ||yc - Xc D z||²/(2n), penalty α Σ |scale_j z_j|.
    L = 1.0
    for _ in range(50):  # power iteration for ||Xc D||²
        v = np.random.default_rng(0).standard_normal(p) if _ == 0 else v
        v = scale * XcT(Xc(scale * v)); L = np.linalg.norm(v); v /= L
    L = 1.05 * L / n
    z = np.zeros(p); zz = z.copy(); t = 1.0
    thr = alpha * scale / L
    for it in range(20000):
        g = -scale * XcT(yc - Xc(scale * zz)) / n
        u = zz - g / L
        zn = np.sign(u) * np.maximum(np.abs(u) - thr, 0)
        tn = (1 + np.sqrt(1 + 4 * t * t)) / 2
        zz = zn + (t - 1) / tn * (zn - z); z, t = zn, tn
    support = np.flatnonzero(z)
    for rounds in range(50):
        s = np.sign(z[support]) if rounds == 0 else np.sign(wS_signs)
        XS = Xa[:, np.append(support, p)]
        GS = (XS.T @ XS).tocsc()
        rS = XS.T @ y - n * alpha * np.append(s, 0.0)
        sol = spsolve(GS, rS)
        w = np.zeros(p); w[support] = sol[:-1]; b = sol[-1]
        r = y - X @ w - b
        g = (X.T @ r - Xm * r.sum()) / n
        viol_zero = np.maximum(np.abs(g) - alpha, 0); viol_zero[support] = 0
        sign_ok = np.all(np.sign(w[support]) == s)
        worst = viol_zero.max()
        if worst <= 1e-9 * alpha and sign_ok:
            active = np.abs(g[support] - alpha * s).max()
            return w, b, f'KKT certified: max |g|-α off support {worst:.2e}, max |g - α·sign| on support {active:.2e}, rounds {rounds}'
        # Fix-up: add violators with the gradient's sign, drop coefficients whose sign flipped.
        keep = support[np.sign(w[support]) == s]
        add = np.flatnonzero(viol_zero > 1e-9 * alpha)
        support = np.union1d(keep, add)
        wS_signs = np.where(np.isin(support, keep), np.sign(w[support]), np.sign(g[support]))
    raise SystemExit('lasso active set did not settle')

for alpha in [0.001, 0.01, 0.1]:
    t = time.time()
    w, b, note = lasso(alpha)
    obj = np.mean((y - X @ w - b) ** 2) / 2 + alpha * np.abs(w).sum()
    report(f'lasso-{alpha}', w, b, f'{note}; objective {obj!r}; {time.time()-t:.1f}s')
