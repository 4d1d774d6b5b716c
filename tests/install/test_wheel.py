"""A wheel carries everything ringvm needs: built in a temporary directory, installed
into a fresh virtual environment, it lists, boots and grades the bundled guests from
an unrelated directory, and keeps its build cache out of site-packages."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPS = ("lark", "elftools", "rich", "cffi", "prompt_toolkit", "pygments", "pycparser",
        "markdown_it", "mdurl")


def _run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert p.returncode == 0, f"{cmd}: exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A venv holding only the wheel; the runtime dependencies come from this
    interpreter's site-packages through a .pth file (no download needed)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"                  # a copy: building writes build/ into the tree
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", "*.so", "*.o", ".*cache",
        ".hypothesis", "grade-output", "*.img"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
          str(src)])
    wheel, = (tmp / "dist").glob("ringvm-*.whl")
    env_dir = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)])
    py = env_dir / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps",
          "--no-index", str(wheel)])
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                     "['purelib'])"]).stdout.strip())
    dirs = {str(Path(importlib.util.find_spec(d).origin).parent.parent)
            for d in DEPS if importlib.util.find_spec(d)}
    (site / "_ringvm_test_deps.pth").write_text("\n".join(sorted(dirs)) + "\n")
    return env_dir, site, tmp


def _ringvm(venv, *args, input=None):
    env_dir, _site, tmp = venv
    work = tmp / "elsewhere"
    work.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGVM_")}
    env["RINGVM_CACHE"] = str(tmp / "cache")
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    return subprocess.run([str(env_dir / "bin" / "ringvm"), *args], capture_output=True,
                          text=True, input=input, cwd=work, env=env, timeout=600)


def _files(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in (site / "ringvm").rglob("*")
            if "__pycache__" not in p.parts}


def test_the_wheel_lists_boots_and_grades_from_anywhere(venv):
    env_dir, site, tmp = venv
    where = _run([str(env_dir / "bin" / "python"), "-c",
                  "import ringvm.emulator, ringvm.native._core as c; "
                  "print(ringvm.emulator.__file__, c.__file__)"], cwd=tmp).stdout
    assert str(site) in where and str(ROOT) not in where, where
    before = _files(site)
    assert "ringvm/guests/lib/ringvm.inc" in before
    assert "ringvm/guests/monolithic/suite.toml" in before

    p = _ringvm(venv, "guests")
    assert p.returncode == 0 and "no bundled guests" not in p.stdout, p.stdout + p.stderr
    for name in ("hello", "monolithic", "vmsmoke"):
        assert name in p.stdout

    p = _ringvm(venv, "boot", "hello")
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr

    p = _ringvm(venv, "boot", input="echo from the wheel\nexit\n")
    assert p.returncode == 0, p.stderr
    assert "$ echo from the wheel\nfrom the wheel\n$ " in p.stdout, p.stdout

    hello_s = site / "ringvm" / "guests" / "hello" / "hello.s"
    p = _ringvm(venv, "boot", str(hello_s), "--engine", "python")   # includes found
    assert p.returncode == 0, p.stderr

    for suite in ("monolithic", "guests/monolithic/suite.toml"):
        p = _ringvm(venv, "grade", suite, "--only", "boot", "--no-progress")
        assert p.returncode == 0, p.stdout + p.stderr

    assert _files(site) == before, "files appeared inside site-packages"
    assert list((tmp / "cache" / "elf").glob("monolithic-*.elf"))
