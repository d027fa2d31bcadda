import numpy as np
from scipy.optimize import minimize
from scipy.integrate import quad
from scipy.special import gammaln
from lifetimes.datasets import load_donations
d = load_donations()
rows = [tuple(map(float, r)) for r in d.values]
def ll_row(r, a, s, b, x, tx, T):
    # L = G(r+x) a^r b^s / G(r) [ (a+T)^-(r+x) (b+T)^-s + s * int_tx^T (a+t)^-(r+x) (b+t)^-(s+1) dt ]
    # integral with u = ln(b+t): int e^{-s u} (a + e^u - b)^-(r+x) du; scaled by the T term.
    lead = gammaln(r + x) - gammaln(r) + r * np.log(a) + s * np.log(b)
    lT = -(r + x) * np.log(a + T) - s * np.log(b + T)
    if tx < T:
        f = lambda u: np.exp(-s * u - (r + x) * np.log(a + np.exp(u) - b) - lT)
        I, _ = quad(f, np.log(b + tx), np.log(b + T), epsabs=0, epsrel=1e-13, limit=200)
    else:
        I = 0.0
    return lead + lT + np.log1p(s * I)
def LL(p):
    return sum(w * ll_row(*p, x, tx, T) for x, tx, T, w in rows)
def f(lp):
    v = LL(np.exp(lp))
    return -v if np.isfinite(v) else 1e12
ours = [32.287364919842446, 59.77727170647779, 0.23462719556283615, 0.5977727343400725]
print('LL at our fit', LL(ours))
best=None
for start in [np.log(ours), np.log([3.44, 7.77, 0.0085, 1e-3]), np.log([1, 1, 1, 1])]:
    res = minimize(f, start, method='Nelder-Mead', options=dict(xatol=1e-10, fatol=1e-10, maxiter=20000, maxfev=20000))
    res = minimize(f, res.x, method='Nelder-Mead', options=dict(xatol=1e-12, fatol=1e-12, maxiter=20000, maxfev=20000))
    print(list(np.exp(res.x)), -res.fun, res.nit, flush=True)
