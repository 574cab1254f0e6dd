"""The ``socialguard`` console script. It runs before numpy and torch are imported, which is the only moment
their choice of CPU kernels can still be pinned."""

from __future__ import annotations

import os
import platform
import sys

#: OpenBLAS is built with DYNAMIC_ARCH: it picks its matrix kernels by CPU, and each kernel sums floats in
#: its own order. The abuse MLP amplifies those last-bit differences over its epochs (measured: weights up to
#: 0.07 apart between an AMD and an Intel machine). Training pins the AVX2 kernel, which every x86-64 server
#: CPU since 2013 runs. That makes reruns on one CPU model byte-identical; another model still differs in
#: the last bits somewhere (measured: OLID macro-F1 0.7466 vs 0.7414 for the same data and seed).
TRAINING_BLAS_CORE = "Haswell"

#: The encoder's own kernels vary the same way: torch picks AVX-512 or AMX code paths where the CPU has them
#: (measured: embeddings 2e-7 apart, enough to move the abuse threshold from 0.51 to 0.49). Training runs the
#: encoder on the AVX2 paths too: ATen's vectorised ops, oneDNN's ISA cap and MKL's conditional numerical
#: reproducibility mode. Scoring comments at run time keeps the CPU's fastest kernels.
TRAINING_TORCH_PINS = {"ATEN_CPU_CAPABILITY": "avx2", "DNNL_MAX_CPU_ISA": "AVX2", "MKL_CBWR": "AVX2"}


def _command(argv: list[str]) -> str | None:
    """The subcommand: the first argument that is not a global option (``socialguard -v train``)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main() -> None:
    if _command(sys.argv[1:]) == "train" and platform.machine().lower() in ("x86_64", "amd64"):
        os.environ.setdefault("OPENBLAS_CORETYPE", TRAINING_BLAS_CORE)
        for name, value in TRAINING_TORCH_PINS.items():
            os.environ.setdefault(name, value)
    from bot.cli import app

    app()


if __name__ == "__main__":
    main()
