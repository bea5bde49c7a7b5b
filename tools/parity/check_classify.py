"""End-to-end parity check by hand, as the issue's outside check does it: PyTorch writes random
weights of each architecture (as initialised: PyTorch's legacy format; at a trained logit scale:
its zip format), computes logits on 224x224 PNGs (and on a photo through Resize 256 +
CenterCrop 224), and `texturebias classify --logits-out` must agree to 1e-4. DenseNets' legacy
files carry the published files' old keys (norm.1, conv.1, ...); GoogLeNet is written with its
auxiliary classifiers and transform_input=True, as torchvision's published file is used. Needs
Debian's python3-torch and python3-torchvision and a Release build:

    dotnet build -c Release && /usr/bin/python3 tools/parity/check_classify.py [arch ...]
"""
import re
import os, sys, subprocess, tempfile
import numpy as np
import torch, torchvision
import torchvision.transforms as T
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from reference_bagnet import bagnet

torch.set_num_threads(2)
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, "src/TextureBias.Cli/bin/Release/net10.0/linux-x64/TextureBias.Cli")
NORM = T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])

work = tempfile.mkdtemp(prefix="texturebias-parity-")
images = os.path.join(work, "images")
os.makedirs(images)
photo = Image.open(os.path.join(ROOT, "examples", "chelsea.png")).convert("RGB")
rng = np.random.RandomState(0)
for i, (x, y) in enumerate([(0, 0), (100, 40), (227, 76)]):
    photo.crop((x, y, x + 224, y + 224)).save(os.path.join(images, f"crop{i}.png"))
Image.fromarray(rng.randint(0, 256, (224, 224, 3), dtype=np.uint8)).save(os.path.join(images, "noise.png"))
names = sorted(os.listdir(images))

# With freshly initialised weights the logits are in the hundreds, where float32 rounding
# differences of ~1e-6 relative already exceed 1e-4 (PyTorch 1.13 against itself, 1 vs 2
# threads: 1.5e-4 for bagnet33, 2.1e-4 for resnet50). So each model is checked twice: as
# initialised, judged relative to the logit scale, and with the classifier scaled to give
# logits of a trained network's size (about 10-20), judged absolutely at 1e-4.
worst_all = 0.0
ALL = ["bagnet9", "bagnet17", "bagnet33", "resnet50", "vgg16", "resnet101", "resnet152", "vgg19", "vgg16_bn", "vgg19_bn",
       "densenet121", "densenet161", "densenet169", "densenet201", "googlenet"]
runs = [(a, s) for a in (sys.argv[1:] or ALL) for s in ("init", "trained-scale")]


def build(arch):
    if arch.startswith("bagnet"):
        return bagnet(arch)
    if arch == "googlenet":  # as googlenet(weights=IMAGENET1K_V1) builds it before loading
        return torchvision.models.GoogLeNet(aux_logits=True, transform_input=True, init_weights=True)
    return getattr(torchvision.models, arch)()


def classifier(model):
    if hasattr(model, "fc"):
        return model.fc
    return model.classifier if isinstance(model.classifier, torch.nn.Linear) else model.classifier[6]


def legacy_densenet_keys(sd):
    """The published DenseNet files' names: denselayerM.norm.1 for denselayerM.norm1, ..."""
    return {re.sub(r"(denselayer\d+\.(?:norm|relu|conv))([12])\.", r"\1.\2.", k): v for k, v in sd.items()
            if not k.endswith("num_batches_tracked")}  # the 2017 files have no counters


for arch, scale in runs:
    torch.manual_seed(1)
    model = build(arch).eval()
    with torch.no_grad():  # trained-looking BN statistics
        for n, b in model.named_buffers():
            if n.endswith("running_mean"): b.uniform_(-0.1, 0.1)
            if n.endswith("running_var"): b.uniform_(0.5, 1.5)
        if scale == "trained-scale":
            classifier(model).weight.mul_(15.0 / float(model(torch.randn(1, 3, 224, 224)).abs().max()))
    weights = os.path.join(work, f"{arch}-{scale}.pth.tar")
    sd = model.state_dict()
    legacy = scale == "init"
    if legacy and arch.startswith("densenet"):
        sd = legacy_densenet_keys(sd)
        assert any(".norm.1." in k for k in sd)
    torch.save(sd, weights, _use_new_zipfile_serialization=not legacy)
    for mode, resize, crop, files, tf in [
        ("224", 0, 0, [os.path.join(images, n) for n in names], T.Compose([T.ToTensor(), NORM])),
        ("photo", 256, 224, [os.path.join(ROOT, "examples", "chelsea.png")], T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), NORM])),
    ]:
        with torch.no_grad():
            ref = torch.cat([model(tf(Image.open(f).convert("RGB"))[None]) for f in files]).numpy()
        out = os.path.join(work, f"{arch}-{scale}-{mode}.npy")
        subprocess.run([CLI, "classify", "--arch", arch, "--weights", weights, "--resize", str(resize), "--crop", str(crop),
                        "--logits-out", out, "--batch", os.environ.get("PARITY_BATCH", "4")] + files, check=True, stdout=subprocess.DEVNULL)
        ours = np.load(out)
        worst = float(np.abs(ours - ref).max())
        judged = worst if scale == "trained-scale" else worst / max(1.0, float(np.abs(ref).max()) / 10)
        worst_all = max(worst_all, judged)
        print(f"{arch:11s} {scale:13s} {mode:6s} max|ours - pytorch| = {worst:.2e}  (max |logit| {np.abs(ref).max():6.1f}; judged {judged:.1e})", flush=True)
    os.remove(weights)
print("PASS" if worst_all < 1e-4 else "FAIL", f"worst judged difference {worst_all:.2e} (limit 1e-4)")
sys.exit(0 if worst_all < 1e-4 else 1)
