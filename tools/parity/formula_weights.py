"""Deterministic weights and inputs that C# and Python compute identically (in float64, then
cast to float32), so parity fixtures need no weight files. The C# twin is
tests/TextureBias.Tests/Models/FormulaWeights.cs."""
import math
import numpy as np
import torch


def wave(n, p):
    """Values in [-1, 1) from an integer hash of (index, parameter number): exact in any language."""
    h = (np.arange(n, dtype=np.uint64) * np.uint64(2654435761) + np.uint64(p * 40503 + 12345)) % np.uint64(1 << 32)
    return h.astype(np.float64) / 2147483648.0 - 1.0


def fill(model):
    sd = model.state_dict()
    keys = sorted(k for k in sd if not k.endswith("num_batches_tracked"))
    with torch.no_grad():
        for p, k in enumerate(keys):
            t = sd[k]
            v = wave(t.numel(), p)
            if k.endswith("running_var"):
                v = 1.0 + 0.5 * v
            elif k.endswith("running_mean") or k.endswith("bias"):
                v = 0.1 * v
            elif t.dim() == 1:  # batch-norm weight
                v = 1.0 + 0.2 * v
            else:  # conv / linear weight: He scale (uniform values have variance 1/3)
                fan_in = t.numel() // t.shape[0]
                v = v * math.sqrt(6.0 / fan_in)
            t.copy_(torch.from_numpy(v.astype(np.float32)).reshape(t.shape))


def image_batch(n, h, w):
    v = np.sin(0.1 * np.arange(n * 3 * h * w, dtype=np.float64)) * 1.5
    return torch.from_numpy(v.astype(np.float32)).reshape(n, 3, h, w)
