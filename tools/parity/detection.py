"""End-to-end parity of our Faster R-CNN (src/TextureBias/Detection) with torchvision 0.14's.

Builds torchvision's Faster R-CNN on random weights (the frozen batch norms' buffers perturbed so that they
matter), saves its state_dict with torch.save, the images (torchvision.io.write_png and as float .npy), the
transformed batch, the FPN features, the RPN proposals and the detections. The C# side
(tests/TextureBias.Tests/Detection/DetectionParityTests.cs) reads that folder and compares (1e-4).

    /usr/bin/python3 tools/parity/detection.py small  OUT   # resnet18 width 8, FPN 16, min 64 / max 100 (seconds)
    /usr/bin/python3 tools/parity/detection.py resnet50 OUT # fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None,
                                                            #   num_classes=21), torchvision's sizes (min 800, max 1333)
    dotnet build -c Release && TEXTUREBIAS_DETECTION_PARITY=OUT \
        dotnet test -c Release --no-build --filter "FullyQualifiedName~DetectionParityTests"

Result (2026-11-30): small: all four equal to 1e-4. resnet50 (2 images, 375x500 and 500x333): the batch and the FPN
features equal to 1e-4 (relative to their magnitude, ~3000 on random weights); proposals and detections have the same
counts and order but differ by up to 0.3 px (proposals) and 0.8 px (boxes) on ~1000 px: that deep random network is
ill-conditioned, torchvision's own float64 run differs from its float32 run far more (a different proposal count).

`small` into tests/TextureBias.Tests/Fixtures/parity/detection-small is the fixture the unit test reads by default.
Needs Debian's python3-torch 1.13 and python3-torchvision 0.14 (/usr/bin/python3).
"""
import json, os, sys
import numpy as np
import torch, torchvision
from torchvision.models.detection import FasterRCNN, fasterrcnn_resnet50_fpn
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone, _resnet_fpn_extractor
from torchvision.models import resnet
from torchvision.ops import misc as misc_nn_ops

torch.set_num_threads(1)
variant = sys.argv[1] if len(sys.argv) > 1 else "small"
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "tests", "TextureBias.Tests", "Fixtures", "parity", "detection-small")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

if variant == "small":
    # resnet18 with stem width 8: torchvision's ResNet has no width argument, so scale its BasicBlock planes.
    width = 8
    class NarrowResNet(resnet.ResNet):
        def __init__(self):
            torch.nn.Module.__init__(self)
            self._norm_layer = misc_nn_ops.FrozenBatchNorm2d
            self.inplanes, self.dilation, self.groups, self.base_width = width, 1, 1, 64
            self.conv1 = torch.nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1 = self._norm_layer(width)
            self.relu = torch.nn.ReLU(inplace=True)
            self.maxpool = torch.nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(resnet.BasicBlock, width, 2)
            self.layer2 = self._make_layer(resnet.BasicBlock, width * 2, 2, stride=2)
            self.layer3 = self._make_layer(resnet.BasicBlock, width * 4, 2, stride=2)
            self.layer4 = self._make_layer(resnet.BasicBlock, width * 8, 2, stride=2)
            self.avgpool = torch.nn.AdaptiveAvgPool2d((1, 1))
            self.fc = torch.nn.Linear(width * 8, 10)
    backbone = _resnet_fpn_extractor(NarrowResNet(), 3)
    # FPN with 16 channels instead of 256.
    from torchvision.ops.feature_pyramid_network import FeaturePyramidNetwork, LastLevelMaxPool
    backbone.fpn = FeaturePyramidNetwork([width, width * 2, width * 4, width * 8], 16, extra_blocks=LastLevelMaxPool())
    backbone.out_channels = 16
    from torchvision.models.detection.rpn import AnchorGenerator
    anchors = AnchorGenerator(((8,), (16,), (32,), (64,), (128,)), ((0.5, 1.0, 2.0),) * 5)
    model = FasterRCNN(backbone, num_classes=5, min_size=64, max_size=100, rpn_anchor_generator=anchors,
                       rpn_pre_nms_top_n_test=200, rpn_post_nms_top_n_test=100, box_score_thresh=0.0,
                       representation_size=32)
    from torchvision.models.detection.faster_rcnn import TwoMLPHead
    model.roi_heads.box_head = TwoMLPHead(16 * 7 * 7, 32)
    from torchvision.models.detection.faster_rcnn import FastRCNNPredictor
    model.roi_heads.box_predictor = FastRCNNPredictor(32, 5)
    sizes = [(48, 80), (70, 56)]
    options = dict(Backbone="resnet18", BackboneWidth=width, NumClasses=5, FpnChannels=16, MinSize=64, MaxSize=100,
                   AnchorSizes=[8, 16, 32, 64, 128], RpnPreNmsTopNTest=200, RpnPostNmsTopNTest=100, BoxScoreThreshold=0.0,
                   RepresentationSize=32)
else:
    model = fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None, num_classes=21)
    sizes = [(375, 500), (500, 333)]
    options = dict(Backbone="resnet50", NumClasses=21)

with torch.no_grad():
    # Random but well-scaled weights: the frozen (or eval) batch norms' buffers perturbed so that they matter.
    for name, m in model.named_modules():
        if isinstance(m, (misc_nn_ops.FrozenBatchNorm2d, torch.nn.BatchNorm2d)):
            n = m.weight.shape[0]
            m.weight.copy_(0.5 + torch.rand(n))
            m.bias.copy_(0.2 * torch.randn(n))
            m.running_mean.copy_(0.1 * torch.randn(n))
            m.running_var.copy_(0.5 + torch.rand(n))
    # A few confident boxes: make the classifier's logits spread out.
    model.roi_heads.box_predictor.cls_score.weight.mul_(20)
model.eval()
torch.save(model.state_dict(), os.path.join(out, "model.pth"))

images = []
for i, (h, w) in enumerate(sizes):
    # Smooth random pictures (blobs) rather than noise, quantised to 8 bits like a PNG.
    base = torch.rand(3, max(h // 8, 2), max(w // 8, 2))
    img = torch.nn.functional.interpolate(base[None], size=(h, w), mode="bilinear", align_corners=False)[0]
    img8 = (img * 255).round().to(torch.uint8)
    torchvision.io.write_png(img8, os.path.join(out, f"image{i}.png"))
    x = img8.float() / 255
    np.save(os.path.join(out, f"image{i}.npy"), x.numpy())
    images.append(x)

with torch.no_grad():
    image_list, _ = model.transform(images)
    np.save(os.path.join(out, "batch.npy"), image_list.tensors.numpy())
    features = model.backbone(image_list.tensors)
    for k, v in features.items():
        np.save(os.path.join(out, f"feature-{k}.npy"), v.numpy())
    proposals, _ = model.rpn(image_list, features)
    for i, p in enumerate(proposals):
        np.save(os.path.join(out, f"proposals{i}.npy"), p.numpy())
    detections = model(images)
    for i, d in enumerate(detections):
        for k in ["boxes", "labels", "scores"]:
            np.save(os.path.join(out, f"{k}{i}.npy"), d[k].numpy())
        print(f"image {i}: {len(proposals[i])} proposals, {len(d['boxes'])} detections, top scores {d['scores'][:3].tolist()}")
with open(os.path.join(out, "options.json"), "w") as f:
    json.dump({"options": options, "image_sizes": [list(s) for s in image_list.image_sizes], "count": len(images)}, f, indent=1)
print("written to", out)
