"""Reference values for fedz's Rényi-DP accountant, from Google's dp-accounting.

    python3 -m venv /tmp/dp && /tmp/dp/bin/pip install -r bench/requirements-dp.txt
    /tmp/dp/bin/python bench/dp_accounting_reference.py

Prints JSON: per-order RDP of one Poisson-subsampled Gaussian step, and ε after
composing rounds, with dp-accounting's default orders. The numbers are pasted
into Tests/FederationTests/PrivacyAccountantTests.swift, which checks the Swift
accountant against them.
"""
import json

import dp_accounting
from dp_accounting.rdp import rdp_privacy_accountant as rdp

ORDERS = [1.5, 2.0, 3.7, 10.0, 32.0, 256.0]
CASES = [  # (sampling rate q, noise multiplier sigma, rounds, delta)
    (0.1, 1.0, 20, 1e-5),  # fedz's default DP settings: C = 0.1, sigma = 1, 20 rounds
    (0.01, 1.1, 1000, 1e-5),
    (0.1, 0.8, 100, 1e-6),
    (1.0, 2.0, 10, 1e-5),
]


def epsilon(q, sigma, rounds, delta):
    accountant = rdp.RdpAccountant()
    event = dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma))
    accountant.compose(event, rounds)
    eps, order = accountant.get_epsilon_and_optimal_order(delta)
    return {"q": q, "sigma": sigma, "rounds": rounds, "delta": delta, "epsilon": eps, "order": float(order)}


print(json.dumps({
    "dp_accounting": dp_accounting.__version__ if hasattr(dp_accounting, "__version__") else "0.6.0",
    "rdp_one_step_q0.1_sigma1": dict(zip(map(str, ORDERS), rdp._compute_rdp_poisson_subsampled_gaussian(0.1, 1.0, ORDERS).tolist())),
    "epsilons": [epsilon(*case) for case in CASES],
}, indent=1))
