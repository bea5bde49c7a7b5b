"""PyTorch's forward throughput for comparison with `texturebias bench forward`:
/usr/bin/python3 tools/parity/bench_reference.py bagnet9 [batch] [size] [runs]"""
import sys, time, json
import torch, torchvision
from reference_bagnet import bagnet

torch.set_num_threads(2)
arch = sys.argv[1]
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 8
size = int(sys.argv[3]) if len(sys.argv) > 3 else 224
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
m = (bagnet(arch) if arch.startswith("bagnet") else getattr(torchvision.models, arch)()).eval()
x = torch.randn(batch, 3, size, size)
times = []
with torch.no_grad():
    for i in range(runs + 1):
        t = time.perf_counter()
        m(x)
        if i > 0:
            times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({"arch": arch, "batch": batch, "size": size, "threads": torch.get_num_threads(),
                  "images_per_s": batch / times[len(times) // 2], "torch": torch.__version__}))
