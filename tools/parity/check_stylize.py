"""pytorch-AdaIN's test.py (re-implemented, tools/parity/reference_adain.py) against
`texturebias stylize`, with both networks saved by PyTorch in the legacy format of the
released files: the output images must agree to within 1 of 255 (rounding at .5).

    dotnet build -c Release && /usr/bin/python3 tools/parity/check_stylize.py
"""
import os, sys, subprocess, tempfile
import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from reference_adain import vgg_normalised, decoder, style_transfer, coral

torch.set_num_threads(2)
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, "src/TextureBias.Cli/bin/Release/net10.0/linux-x64/TextureBias.Cli")
work = tempfile.mkdtemp(prefix="texturebias-stylize-")
torch.manual_seed(0)
vgg, dec = vgg_normalised().eval(), decoder().eval()
with torch.no_grad():  # scale the random decoder so the output lands mostly inside [0, 1]
    dec[28].weight.mul_(0.3); dec[28].bias.fill_(0.5)
torch.save(vgg.state_dict(), os.path.join(work, "vgg_normalised.pth"), _use_new_zipfile_serialization=False)
torch.save(dec.state_dict(), os.path.join(work, "decoder.pth"), _use_new_zipfile_serialization=False)
enc = torch.nn.Sequential(*list(vgg.children())[:31])
photo = Image.open(os.path.join(ROOT, "examples", "chelsea.png")).convert("RGB")
content, style = os.path.join(work, "content.png"), os.path.join(work, "style.png")
photo.crop((0, 0, 300, 200)).save(content)
photo.crop((200, 100, 451, 300)).rotate(90, expand=True).save(style)


def tf(size, crop):
    return T.Compose(([T.Resize(size)] if size else []) + ([T.CenterCrop(size)] if crop else []) + [T.ToTensor()])


worst = 0
for name, args, alpha, preserve in [("plain", ["--content-size", "96", "--style-size", "128"], 1.0, False),
                                    ("alpha", ["--content-size", "96", "--style-size", "96", "--crop", "--alpha", "0.6"], 0.6, False),
                                    ("colour", ["--content-size", "80", "--style-size", "80", "--preserve-color"], 1.0, True)]:
    crop = "--crop" in args
    cs, ss = int(args[1]), int(args[3])
    c = tf(cs, crop)(Image.open(content).convert("RGB"))
    s = tf(ss, crop)(Image.open(style).convert("RGB"))
    if preserve:
        s = coral(s, c)
    with torch.no_grad():
        out = style_transfer(enc, dec, c[None], s[None], alpha)[0]
    ref = out.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(torch.uint8).numpy()
    ours_path = os.path.join(work, f"{name}.png")
    subprocess.run([CLI, "stylize", "--vgg", os.path.join(work, "vgg_normalised.pth"), "--decoder", os.path.join(work, "decoder.pth"),
                    "--content", content, "--style", style, "--out", ours_path] + args, check=True, stderr=subprocess.DEVNULL)
    ours = np.asarray(Image.open(ours_path).convert("RGB"))
    diff = int(np.abs(ours.astype(int) - ref.astype(int)).max()) if ours.shape == ref.shape else 999
    worst = max(worst, diff)
    print(f"{name:7s} shape {ours.shape} vs {ref.shape}; max pixel difference {diff}; pixels differing {int((ours != ref).sum()) if ours.shape == ref.shape else -1}")
print("PASS" if worst <= 1 else "FAIL")
