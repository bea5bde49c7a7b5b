"""PyTorch's training step speed for comparison with `texturebias bench train` (its in-memory
step: SGD with momentum 0.9, cross-entropy, 10 classes, random data):
/usr/bin/python3 tools/parity/bench_train_reference.py resnet50 [batch] [size] [steps] [warmup]
(the median of the timed steps after `warmup` untimed ones, 3 by default, as the bench does)"""
import sys, time, json
import torch, torchvision
from reference_bagnet import bagnet

torch.set_num_threads(2)
arch = sys.argv[1]
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 32
size = int(sys.argv[3]) if len(sys.argv) > 3 else 224
steps = int(sys.argv[4]) if len(sys.argv) > 4 else 3
warmup = int(sys.argv[5]) if len(sys.argv) > 5 else 3
m = (bagnet(arch, num_classes=10) if arch.startswith("bagnet") else getattr(torchvision.models, arch)(num_classes=10)).train()
opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
x = torch.randn(batch, 3, size, size)
y = torch.randint(0, 10, (batch,))
times = []
for i in range(warmup + steps):
    t = time.perf_counter()
    opt.zero_grad()
    torch.nn.functional.cross_entropy(m(x), y).backward()
    opt.step()
    if i >= warmup:
        times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({"arch": arch, "batch": batch, "size": size, "threads": torch.get_num_threads(),
                  "in_memory_images_per_s": batch / times[len(times) // 2], "torch": torch.__version__}))
