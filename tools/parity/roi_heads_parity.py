"""torchvision 0.14's RoIHeads (MultiScaleRoIAlign, TwoMLPHead, FastRCNNPredictor) on random weights,
features and proposals: writes them and torchvision's outputs as .npy fixtures for
tests/TextureBias.Tests/Detection/RoiHeadsParityTests.cs (C# must agree to 1e-4):

    /usr/bin/python3 tools/parity/roi_heads_parity.py

Fixtures (tests/TextureBias.Tests/Fixtures/parity/roi-heads/):
  feat_0..feat_3 [2, C, H_l, W_l], image_sizes [2, 2] (height, width), proposals_0/1 [L_i, 4],
  weights: box_head.fc6.weight ... box_predictor.bbox_pred.bias (state_dict keys without "roi_heads."),
  levels [ΣL] (LevelMapper), pooled [ΣL, C, 7, 7] (MultiScaleRoIAlign), class_logits, box_regression,
  det_boxes_i / det_scores_i / det_labels_i (eval), and for training (every proposal sampled, so no randomness):
  train_proposals_i, target_boxes_i, target_labels_i, loss_classifier, loss_box_reg.
Image 0 has enough candidate boxes for batched_nms's class-by-class path (> 4000 coordinates), image 1 not.
"""
import os
import numpy as np
import torch
from collections import OrderedDict
from torchvision.ops import MultiScaleRoIAlign
from torchvision.models.detection.faster_rcnn import TwoMLPHead, FastRCNNPredictor
from torchvision.models.detection.roi_heads import RoIHeads

torch.set_num_threads(1)
torch.manual_seed(18)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "TextureBias.Tests", "Fixtures", "parity", "roi-heads")
os.makedirs(OUT, exist_ok=True)


def save(name, t):
    np.save(os.path.join(OUT, name + ".npy"), t.detach().numpy() if torch.is_tensor(t) else t)


C, REP, CLASSES = 2, 16, 5
image_sizes = [(448, 480), (416, 448)]            # (height, width) after the transform
padded = (448, 480)
features = OrderedDict()
for level, stride in enumerate([4, 8, 16, 32]):
    features[str(level)] = torch.randn(2, C, padded[0] // stride, padded[1] // stride)
features["pool"] = torch.randn(2, C, 7, 7)        # not pooled


def random_boxes(n, h, w):
    size = torch.exp(torch.empty(n, 2).uniform_(np.log(4.0), np.log(460.0)))   # log-uniform sides: levels 2..5
    cx, cy = torch.rand(n) * w, torch.rand(n) * h
    x1 = (cx - size[:, 0] / 2).clamp(0, w - 2)
    y1 = (cy - size[:, 1] / 2).clamp(0, h - 2)
    x2 = torch.maximum((cx + size[:, 0] / 2).clamp(max=w), x1 + 1)
    y2 = torch.maximum((cy + size[:, 1] / 2).clamp(max=h), y1 + 1)
    return torch.stack([x1, y1, x2, y2], 1)


proposals = [random_boxes(260, *image_sizes[0]), random_boxes(150, *image_sizes[1])]
# a few boxes of nearly the whole image: the top level (sqrt(area) >= 448)
proposals[0] = torch.cat([proposals[0], torch.tensor([[0.0, 0.0, 480.0, 448.0], [3.0, 1.0, 476.0, 447.0], [0.0, 0.0, 470.0, 440.0]])])

pool = MultiScaleRoIAlign(featmap_names=["0", "1", "2", "3"], output_size=7, sampling_ratio=2)
head = TwoMLPHead(C * 7 * 7, REP)
predictor = FastRCNNPredictor(REP, CLASSES)
heads = RoIHeads(pool, head, predictor, 0.5, 0.5, 512, 0.25, None, 0.05, 0.5, 50)
heads.eval()

for level in range(4):
    save(f"feat_{level}", features[str(level)])
save("image_sizes", np.array(image_sizes, dtype=np.int64))
for i, p in enumerate(proposals):
    save(f"proposals_{i}", p)
for k, v in heads.state_dict().items():
    save(k, v)

with torch.no_grad():
    pooled = pool(features, proposals, image_sizes)
    save("pooled", pooled)
    save("levels", pool.map_levels(proposals))
    x = head(pooled)
    logits, deltas = predictor(x)
    save("class_logits", logits)
    save("box_regression", deltas)
    result, _ = heads(features, proposals, image_sizes)
    for i, r in enumerate(result):
        save(f"det_boxes_{i}", r["boxes"])
        save(f"det_scores_{i}", r["scores"])
        save(f"det_labels_{i}", r["labels"])
        print(f"image {i}: {len(r['boxes'])} detections, labels {r['labels'].tolist()[:10]}...")
    print("levels used:", torch.bincount(pool.map_levels(proposals)).tolist())

# Training: few proposals (all sampled: < 128 positives, < 512 − positives negatives), so the loss is deterministic.
heads.train()
train_proposals = [random_boxes(40, *image_sizes[0]), random_boxes(30, *image_sizes[1])]
targets = []
for i, (h, w) in enumerate(image_sizes):
    gt = random_boxes(3 + i, h, w)
    # proposals near the ground truth, so there are positives
    near = gt.repeat(4, 1) + torch.randn(4 * len(gt), 4) * 6
    near[:, 2:] = torch.maximum(near[:, 2:], near[:, :2] + 2)
    train_proposals[i] = torch.cat([train_proposals[i], near])
    targets.append({"boxes": gt, "labels": torch.randint(1, CLASSES, (len(gt),), dtype=torch.int64)})
for i in range(2):
    save(f"train_proposals_{i}", train_proposals[i])
    save(f"target_boxes_{i}", targets[i]["boxes"])
    save(f"target_labels_{i}", targets[i]["labels"])
_, losses = heads(features, train_proposals, image_sizes, targets)
save("loss_classifier", losses["loss_classifier"].reshape(1))
save("loss_box_reg", losses["loss_box_reg"].reshape(1))
print({k: float(v) for k, v in losses.items()})
