"""PyTorch doing what `texturebias bench texturize` measures: Gatys texture synthesis at 224 px,
Gram losses (weights 1000/C^2) on relu1_1..relu5_1 of vgg_normalised, L-BFGS (default settings)
from uniform noise. Prints seconds per iteration. Usage: python3 bench_texturize.py [iters]."""
import sys, time, torch, torch.nn as nn
from reference_adain import vgg_normalised

torch.set_num_threads(2)
iters = int(sys.argv[1]) if len(sys.argv) > 1 else 10
vgg = vgg_normalised().eval()
for p in vgg.parameters():
    p.requires_grad_(False)
layers = [3, 10, 17, 30, 43]  # relu1_1 ... relu5_1

def feats(x):
    out = []
    for i, m in enumerate(vgg[:layers[-1] + 1]):
        x = m(x)
        if i in layers:
            out.append(x)
    return out

def gram(f):
    n, c, h, w = f.shape
    f = f.view(n, c, h * w)
    return torch.bmm(f, f.transpose(1, 2)).div(h * w)

torch.manual_seed(0)
target = [gram(f) for f in feats(torch.rand(1, 3, 224, 224))]
x = torch.rand(1, 3, 224, 224).requires_grad_()
opt = torch.optim.LBFGS([x])
n = [0]
def closure():
    opt.zero_grad()
    loss = sum(1e3 / f.shape[1] ** 2 * nn.functional.mse_loss(gram(f), t) for f, t in zip(feats(x), target))
    loss.backward()
    n[0] += 1
    return loss
start = time.time()
while n[0] < iters:
    opt.step(closure)
s = time.time() - start
print({"size": 224, "iterations": n[0], "seconds_per_iteration": s / n[0], "seconds_per_image": s})
