"""Where a texturebias command spends its time inside oneDNN, per layer type.

    ONEDNN_VERBOSE=1 texturebias bench forward --arch bagnet33 --runs 5 > log.txt
    python3 bench/onednn_profile.py log.txt [wall_seconds] [--last FRACTION]

Reads oneDNN's verbose lines (one per primitive executed: kind, kernel, shape, milliseconds)
and prints, per layer type (convolution kernel size and whether its input channels are
narrow, reorders, pooling, ...), the time, the multiply-accumulates and GFLOP/s. With the
command's wall time it also prints the share spent outside oneDNN (element-wise operations such
as ReLU and residual additions, copies, memory allocation, the runtime). --last F keeps only the
last fraction F of the primitive runs (e.g. 5/8 = 0.625 for the five timed passes of `bench
forward --runs 5` after its three warm-up passes, whose first calls are slower). Plain Python, no
packages.
"""
import collections, re, sys

args = [a for a in sys.argv[1:]]
last = 1.0
if "--last" in args:
    i = args.index("--last")
    last = float(args[i + 1])
    del args[i:i + 2]
rows = collections.defaultdict(lambda: [0.0, 0, 0])
shape = re.compile(r"mb(\d+)_ic(\d+)oc(\d+)_(?:id\d+od\d+kd\d+sd\d+dd\d+pd\d+_)?ih(\d+)oh(\d+)kh(\d+)sh(\d+)dh\d+ph\d+_iw(\d+)ow(\d+)kw(\d+)")
runs = [line for line in open(args[0], errors="replace") if ",exec," in line]
for line in runs[len(runs) - int(round(last * len(runs))):]:
    f = line.strip().split(",")
    kind, kernel, ms = f[5], f[6], float(f[-1])
    macs = 0
    key = kind
    m = shape.search(line)
    if kind == "convolution" and m:
        mb, ic, oc, ih, oh, kh, sh, iw, ow, kw = map(int, m.groups())
        macs = mb * oc * oh * ow * ic * kh * kw
        key = f"convolution {kh}x{kw}{' strided' if sh > 1 else ''}{' narrow (<=64 in)' if ic <= 64 else ''}"
    elif kind == "convolution":
        key = "convolution (other)"
    r = rows[key]
    r[0] += ms / 1000
    r[1] += macs
    r[2] += 1
total = sum(r[0] for r in rows.values())
print(f"{'layer type':34s} {'seconds':>8s} {'share':>6s} {'GMACs':>8s} {'GFLOP/s':>8s} {'calls':>6s}")
for key, (s, macs, n) in sorted(rows.items(), key=lambda kv: -kv[1][0]):
    rate = f"{2 * macs / s / 1e9:8.0f}" if macs and s > 0 else f"{'':8s}"
    print(f"{key:34s} {s:8.2f} {100 * s / total:5.1f}% {macs / 1e9:8.1f} {rate} {n:6d}")
macs = sum(r[1] for r in rows.values())
print(f"{'all of oneDNN':34s} {total:8.2f} {'':6s} {macs / 1e9:8.1f} {2 * macs / total / 1e9:8.0f}")
if len(args) > 1:
    wall = float(args[1])
    print(f"outside oneDNN: {wall - total:.2f} s of {wall:.2f} s wall ({100 * (wall - total) / wall:.0f}%)")
