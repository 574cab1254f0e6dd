"""The console script pins OpenBLAS's kernel for ``train`` before numpy loads (reproducible heads)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.launcher import TRAINING_BLAS_CORE, TRAINING_TORCH_PINS, _command


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["train"], "train"),
        (["-v", "train", "--out", "x"], "train"),
        (["--verbose", "eval", "cases", "f.csv"], "eval"),
        (["--help"], None),
        ([], None),
    ],
)
def test_command_is_the_first_non_option(argv: list[str], expected: str | None) -> None:
    assert _command(argv) == expected


# Runs the console script as a child process would, then reports what it pinned (the tails below).
_LAUNCH = """
import os, sys
sys.argv = ["socialguard", *sys.argv[1:]]
import bot.launcher
try:
    bot.launcher.main()
except SystemExit:
    pass
"""
_CHILD = _LAUNCH + """
import threadpoolctl
kernels = {i["architecture"] for i in threadpoolctl.threadpool_info() if i["internal_api"] == "openblas"}
print(os.environ.get("OPENBLAS_CORETYPE"), sorted(kernels))
"""


_PINS_CHILD = _LAUNCH + """
import torch
pins = sorted((k, os.environ.get(k)) for k in bot.launcher.TRAINING_TORCH_PINS)
print(pins, torch.backends.cpu.get_cpu_capability())
"""


def _run(*args: str, child: str = _CHILD) -> str:
    pinned = {"OPENBLAS_CORETYPE", *TRAINING_TORCH_PINS}
    env = {k: v for k, v in os.environ.items() if k not in pinned}
    done = subprocess.run(
        [sys.executable, "-c", child, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="OpenBLAS kernels are pinned on x86-64 only")
def test_train_pins_the_blas_kernel_before_numpy_loads() -> None:
    assert _run("train", "--help") == f"{TRAINING_BLAS_CORE} ['{TRAINING_BLAS_CORE}']"


def test_other_commands_keep_the_cpus_own_kernel() -> None:
    assert _run("eval", "--help").startswith("None ")


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="torch's kernels are pinned on x86-64 only")
def test_train_pins_the_encoders_kernels_before_torch_loads() -> None:
    assert _run("train", "--help", child=_PINS_CHILD) == f"{sorted(TRAINING_TORCH_PINS.items())} AVX2"


def test_other_commands_keep_the_encoders_own_kernels() -> None:
    assert _run("eval", "--help", child=_PINS_CHILD).startswith(
        f"{sorted((k, None) for k in TRAINING_TORCH_PINS)} "
    )
