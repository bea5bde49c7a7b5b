"""COCO AP of `texturebias detect-eval --detections` against pycocotools' COCOeval on random cases.

Writes random ground truth (crowds included) and detections (near misses, wrong classes, an image with more than 100
detections), runs pycocotools (bbox: stats[0] AP@[.5:.95], stats[1] AP@0.5) and our command, and prints both.

    /usr/bin/python3 tools/parity/check_cocoeval.py CLI.dll OUT [SEEDS]

Needs pycocotools importable (the real package; or cocoapi's PythonAPI/pycocotools/cocoeval.py and coco.py with
mask.iou written from maskApi.c's bbIou, which is how this was checked: equal to the last bit on 7 seeds).
"""
import contextlib, io, json, os, random, subprocess, sys

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def case(seed, out):
    random.seed(seed)
    cats = [1, 2, 3, 18]
    images = [{"id": i, "file_name": f"{i}.jpg", "width": 200, "height": 200} for i in random.sample(range(1, 1000), 12)]
    anns, aid = [], 1
    for im in images:
        for _ in range(random.randint(0, 6)):
            x, y, w, h = random.uniform(0, 150), random.uniform(0, 150), random.uniform(2, 60), random.uniform(2, 60)
            anns.append({"id": aid, "image_id": im["id"], "category_id": random.choice(cats[:3]), "bbox": [x, y, w, h],
                         "area": w * h, "iscrowd": int(random.random() < 0.15)})
            aid += 1
    names = ["person", "bicycle", "car", "dog"]
    gt = {"images": images, "annotations": anns, "categories": [{"id": c, "name": names[k]} for k, c in enumerate(cats)]}
    dts = []
    for a in anns:
        for _ in range(random.randint(0, 3)):
            x, y, w, h = a["bbox"]
            j = lambda s: random.gauss(0, s)
            dts.append({"image_id": a["image_id"], "category_id": a["category_id"] if random.random() < 0.85 else random.choice(cats),
                        "bbox": [x + j(3), y + j(3), max(0.5, w + j(4)), max(0.5, h + j(4))], "score": random.random()})
    for im in images:
        for _ in range(random.randint(0, 160 if im is images[0] else 4)):
            dts.append({"image_id": im["id"], "category_id": random.choice(cats), "score": random.random(),
                        "bbox": [random.uniform(0, 150), random.uniform(0, 150), random.uniform(1, 50), random.uniform(1, 50)]})
    gt_path, dt_path = os.path.join(out, f"gt{seed}.json"), os.path.join(out, f"dt{seed}.json")
    json.dump(gt, open(gt_path, "w"))
    json.dump(dts, open(dt_path, "w"))
    return gt_path, dt_path


def main():
    cli, out = sys.argv[1], sys.argv[2]
    seeds = range(1, int(sys.argv[3]) + 1) if len(sys.argv) > 3 else range(1, 6)
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    worst = 0.0
    for seed in seeds:
        gt_path, dt_path = case(seed, out)
        with contextlib.redirect_stdout(io.StringIO()):
            g = COCO(gt_path)
            e = COCOeval(g, g.loadRes(dt_path), "bbox")
            e.evaluate(); e.accumulate(); e.summarize()
        ours = json.loads(subprocess.run(["dotnet", cli, "detect-eval", "--detections", dt_path, "--coco", os.path.join(out, "images"),
                                          "--annotations", gt_path, "--json"], check=True, capture_output=True, text=True).stdout)
        worst = max(worst, abs(ours["map50_95"] - e.stats[0]), abs(ours["map50"] - e.stats[1]))
        print(f"seed {seed}: pycocotools {e.stats[0]!r} {e.stats[1]!r}  ours {ours['map50_95']!r} {ours['map50']!r}")
    print(f"largest difference {worst:.3g}")


if __name__ == "__main__":
    main()
