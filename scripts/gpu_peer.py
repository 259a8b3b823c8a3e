#!/usr/bin/env python3
"""The PyTorch reference step of ../shared/bench/dcgan_peer.py, on a CUDA GPU.

dcgan_peer.py runs on the CPU only; this takes its generator and discriminator as they are and times
the same step (hinge loss, Adam lr 2e-4 betas 0.5/0.999, a batch of uniform noise) on `cuda`,
waiting for the GPU before reading the clock. PyTorch's own defaults stay (no cudnn.benchmark), as
dcgan_peer.py keeps them on the CPU. Prints one JSON line like dcgan_peer.py's.

Exit status 2 with one line on stderr when torch, CUDA or dcgan_peer.py is missing.
"""
import argparse
import json
import os
import sys
import time


def fail(message: str) -> None:
    print(f"gpu_peer: {message}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--res", type=int, default=64)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--z-dim", type=int, default=128)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--peer", default=os.path.join(here, "..", "..", "shared", "bench"),
                        help="folder holding dcgan_peer.py")
    args = parser.parse_args()

    try:
        import torch
    except ImportError as err:
        fail(f"PyTorch is not installed ({err}); install a CUDA build of torch")
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        fail(f"torch {torch.__version__} sees no CUDA GPU (CUDA build: {torch.version.cuda}); "
             "a CPU-only torch or a missing driver")
    sys.path.insert(0, os.path.abspath(args.peer))
    try:
        from dcgan_peer import discriminator, generator
    except ImportError as err:
        fail(f"cannot import dcgan_peer.py from {os.path.abspath(args.peer)}: {err}")

    device = torch.device(args.device)
    torch.manual_seed(0)
    g = generator(args.res, args.width, args.z_dim).to(device)
    d = discriminator(args.res, args.width).to(device)
    g_opt = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    real = torch.rand(args.batch, 3, args.res, args.res, device=device) * 2 - 1

    def step() -> None:
        # The step of dcgan_peer.py, with the latents drawn on the GPU.
        z = torch.randn(args.batch, args.z_dim, device=device)
        fake = g(z)
        d_loss = torch.relu(1 - d(real)).mean() + torch.relu(1 + d(fake.detach())).mean()
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()

        g_loss = -d(g(z)).mean()
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()

    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for _ in range(args.warmup):
        step()
    sync()
    started = time.perf_counter()
    for _ in range(args.steps):
        step()
    sync()
    seconds = (time.perf_counter() - started) / args.steps

    print(json.dumps({
        "engine": f"pytorch-{torch.__version__}",
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else str(device),
        "res": args.res,
        "width": args.width,
        "batch": args.batch,
        "steps": args.steps,
        "secondsPerStep": round(seconds, 5),
        "imagesPerSecond": round(args.batch / seconds, 2),
    }))


if __name__ == "__main__":
    main()
