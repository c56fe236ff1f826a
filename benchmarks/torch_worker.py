"""PyTorch side of benchmarks/compare: the same requests as CompareWorker.java, one per line.

  gemm N                                  -> ok GFLOP/s of one float32 N x N x N matmul (median of 5)
  time MODEL MODE BATCH SIZE WARMUP REPS  -> ok seconds... peak_rss=BYTES

MODE is infer (eval mode, no autograd; batch norm runs as its own op, PyTorch's eager default) or
train (one SGD step with Nesterov momentum 0.9, as the JVM side: forward, cross-entropy, backward,
update). With the argument "jit" after the thread count, inference runs the model scripted, frozen
and passed through torch.jit.optimize_for_inference (BN folded, conv-add-ReLU fused, oneDNN's
blocked layouts), PyTorch's own fastest CPU inference; training is not offered then.
Models are torchvision's with random weights; resnet20 is He et al. (2015),
section 4.2, with identity shortcuts zero-padded in channels (option A), as jvision builds it;
convstack is the performance issue's conv-BN-ReLU stack, as ConvStack.java builds it.
"""
import gc
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class Cifar(nn.Module):
    """ResNet-20 of He et al. (2015) for 1-channel 28x28 inputs, 10 classes."""

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.stride, self.pad = stride, cout - cin

        def forward(self, x):
            y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
            s = x[:, :, ::self.stride, ::self.stride] if self.stride > 1 else x
            if self.pad:
                s = F.pad(s, (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))
            return F.relu(y + s)

    def __init__(self, blocks=3):
        super().__init__()
        layers, cin = [nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()], 16
        for i, cout in enumerate((16, 32, 64)):
            for j in range(blocks):
                layers.append(Cifar.Block(cin, cout, 2 if i > 0 and j == 0 else 1))
                cin = cout
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


def conv_stack():
    """The performance issue's conv-BN-ReLU stack, as ConvStack.java builds it: ResNet-18's stem,
    one block of two 3x3 conv-BN-ReLU per stage (64 to 512 channels) without shortcuts, the head."""
    def cbr(cin, cout, k, stride):
        return [nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    layers, cin = cbr(3, 64, 7, 2) + [nn.MaxPool2d(3, 2, 1)], 64
    for i, cout in enumerate((64, 128, 256, 512)):
        layers += cbr(cin, cout, 3, 2 if i > 0 else 1) + cbr(cout, cout, 3, 1)
        cin = cout
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000))


MODELS = {
    "resnet20": Cifar,
    "resnet18": torchvision.models.resnet18,
    "resnet50": torchvision.models.resnet50,
    "efficientnet_b0": torchvision.models.efficientnet_b0,
    "vgg16": torchvision.models.vgg16,
    "googlenet": lambda: torchvision.models.googlenet(aux_logits=False, init_weights=True),
    "alexnet": torchvision.models.alexnet,
    "convstack": conv_stack,
}


def blas():
    """The BLAS shared library this process loaded (from /proc/self/maps)."""
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if re.search(r"lib(open)?blas", line)}
    return ",".join(sorted(libs)) or "none"


def peak_rss(reset=False):
    """Peak resident bytes since the last reset (VmHWM); reset starts a new peak (Linux)."""
    try:
        if reset:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            return 0
        with open("/proc/self/status") as f:
            return 1024 * int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))
    except OSError:
        return -1


def median(ts):
    return sorted(ts)[len(ts) // 2]


def gemm(n):
    a, b = torch.rand(n, n), torch.rand(n, n)
    ts = []
    for i in range(7):
        start = time.perf_counter()
        a @ b
        ts.append(time.perf_counter() - start)
    return 2 * n ** 3 / median(ts[2:]) / 1e9


class Worker:
    def __init__(self, jit):
        self.key, self.model, self.jit = None, None, jit

    def time(self, name, mode, batch, size, warmup, reps):
        if name not in MODELS:
            return "skip torchvision has no " + name
        infer = mode == "infer"
        if self.jit and not infer:
            return "skip the jit worker times inference only"
        if self.key != (name, mode):
            self.model, self.opt = None, None  # the optimizer holds the parameters too
            gc.collect()
            peak_rss(reset=True)
            self.model = MODELS[name]().train(not infer)
            self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
            if self.jit:
                self.model = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(self.model)))
            self.key = (name, mode)
        channels, classes = (1, 10) if name == "resnet20" else (3, 1000)
        x = torch.rand(batch, channels, size, size)
        y = torch.arange(batch) % classes

        def step():
            if infer:
                with torch.no_grad():
                    self.model(x)
            else:
                self.opt.zero_grad()
                F.cross_entropy(self.model(x), y).backward()
                self.opt.step()

        for _ in range(warmup):
            step()
        ts = []
        for _ in range(reps):
            start = time.perf_counter()
            step()
            ts.append(time.perf_counter() - start)
        return "ok " + " ".join("%.6g" % t for t in ts) + " peak_rss=%d" % peak_rss()


def main():
    torch.set_num_threads(int(sys.argv[1]))
    worker = Worker(sys.argv[2:] == ["jit"])
    print("ready torch %s, %d threads, oneDNN %s, BLAS %s" % (torch.__version__, torch.get_num_threads(),
                                                             torch.backends.mkldnn.is_available(), blas()), flush=True)
    for line in sys.stdin:
        r = line.split() or ["?"]
        try:
            if r[0] == "quit":
                break
            elif r[0] == "gemm":
                answer = "ok %.6g" % gemm(int(r[1]))
            elif r[0] == "time":
                answer = worker.time(r[1], r[2], *map(int, r[3:7]))
            else:
                answer = "skip unknown request " + r[0]
        except Exception as e:  # answer, and stay up for the next request
            answer = "skip %s: %s" % (type(e).__name__, str(e).replace("\n", " "))
        print(answer, flush=True)


if __name__ == "__main__":
    main()
