"""The ``socialguard`` console script. It runs before numpy is imported, which is the only moment OpenBLAS's
choice of CPU kernels can still be pinned."""

from __future__ import annotations

import os
import platform
import sys

#: OpenBLAS is built with DYNAMIC_ARCH: it picks its matrix kernels by CPU, and each kernel sums floats in
#: its own order. The abuse MLP amplifies those last-bit differences over its epochs (measured: weights up to
#: 0.07 apart between an AMD and an Intel machine). Training pins the AVX2 kernel, which every x86-64 server
#: CPU since 2013 runs, so ``socialguard train`` rebuilds byte-identical heads on any of them.
TRAINING_BLAS_CORE = "Haswell"


def _command(argv: list[str]) -> str | None:
    """The subcommand: the first argument that is not a global option (``socialguard -v train``)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main() -> None:
    if _command(sys.argv[1:]) == "train" and platform.machine().lower() in ("x86_64", "amd64"):
        os.environ.setdefault("OPENBLAS_CORETYPE", TRAINING_BLAS_CORE)
    from bot.cli import app

    app()


if __name__ == "__main__":
    main()
