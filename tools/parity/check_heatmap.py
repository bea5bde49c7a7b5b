"""The official patch-by-patch heatmap (bagnets/utils.py generate_heatmap_pytorch, re-implemented:
zero padding in normalised space, unfold, chunks of 1000 patches) against `texturebias heatmap
--npy`, on random weights saved in the official legacy format, with its speed measured on a
subset of patches and extrapolated. Needs Debian's python3-torch and a Release build:

    dotnet build -c Release && /usr/bin/python3 tools/parity/check_heatmap.py [arch] [patches]
"""
import os, sys, subprocess, tempfile, time
import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from reference_bagnet import bagnet

torch.set_num_threads(2)
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, "src/TextureBias.Cli/bin/Release/net10.0/linux-x64/TextureBias.Cli")
arch = sys.argv[1] if len(sys.argv) > 1 else "bagnet33"
measured = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
work = tempfile.mkdtemp(prefix="texturebias-heatmap-")

torch.manual_seed(1)
model = bagnet(arch).eval()
weights = os.path.join(work, f"{arch}.pth.tar")
torch.save(model.state_dict(), weights, _use_new_zipfile_serialization=False)
photo = os.path.join(work, "crop.png")
Image.open(os.path.join(ROOT, "examples", "chelsea.png")).convert("RGB").crop((100, 40, 324, 264)).save(photo)
x = T.Compose([T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])(Image.open(photo).convert("RGB"))[None].numpy()
target = 281
q = {"bagnet9": 9, "bagnet17": 17, "bagnet33": 33}[arch]


def patch_by_patch(image, count):
    """generate_heatmap_pytorch, on the first `count` patches in row-major order."""
    with torch.no_grad():
        imsize = image.shape[-1]
        padded = np.zeros((1, 3, imsize + q - 1, imsize + q - 1), dtype=np.float32)
        padded[:, :, (q - 1) // 2:(q - 1) // 2 + imsize, (q - 1) // 2:(q - 1) // 2 + imsize] = image
        images = torch.from_numpy(padded).permute(0, 2, 3, 1)
        patches = images.unfold(1, q, 1).unfold(2, q, 1).reshape(-1, 3, q, q)[:count]
        out = []
        for b in range(0, patches.shape[0], 1000):
            out.append(model(patches[b:b + 1000])[:, target].numpy())
        return np.concatenate(out)


start = time.perf_counter()
reference = patch_by_patch(x, measured)
official_s = (time.perf_counter() - start) * 224 * 224 / measured

npy = os.path.join(work, "ours.npy")
start = time.perf_counter()
subprocess.run([CLI, "heatmap", "--arch", arch, "--weights", weights, "--image", photo, "--resize", "0", "--crop", "0",
                "--class", str(target), "--out", os.path.join(work, "ours.png"), "--npy", npy], check=True, stdout=subprocess.DEVNULL)
ours_s = time.perf_counter() - start
ours = np.load(npy).reshape(-1)[:measured]
diff = float(np.abs(ours - reference).max())
print(f"{arch}: max |ours - official| over {measured} patches = {diff:.2e} (max |logit| {np.abs(reference).max():.1f})")
print(f"official patch-by-patch (PyTorch {torch.__version__}, 2 threads): {official_s:.0f} s per map (extrapolated from {measured} patches)")
print(f"texturebias heatmap, whole command: {ours_s:.1f} s  ->  {official_s / ours_s:.1f}x faster")
