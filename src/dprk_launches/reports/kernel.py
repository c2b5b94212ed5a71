"""The kernel a report runs in: pinned environment, private sockets, started early, always stopped."""

from __future__ import annotations

import ast
import importlib
import json
import os
import shutil
import signal
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from .. import config

# A kernel that dies while starting is retried once.
KERNEL_START_FAILURES = ("Kernel died before replying", "Address already in use")

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

THREAD_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)


def kernel_env(scratch: Path) -> dict[str, str]:
    """The kernel's environment: the user's, with every setting that changes output pinned.

    One BLAS / OpenMP thread per kernel: reports already run in parallel (`--jobs`), and on the
    models' small matrices extra threads only fight over the cores.
    """
    env = dict(os.environ)
    mpl_config = scratch / "matplotlib"
    ipython_dir = scratch / "ipython"
    mpl_config.mkdir(exist_ok=True)
    ipython_dir.mkdir(exist_ok=True)
    for key in (
        "MPLBACKEND",
        "MATPLOTLIBRC",
        "PYTHONSTARTUP",
        "PYTHONWARNINGS",
        "LANG",
        "LANGUAGE",
    ):
        env.pop(key, None)
    env.update(
        MPLBACKEND=INLINE_BACKEND,
        MPLCONFIGDIR=str(mpl_config),
        IPYTHONDIR=str(ipython_dir),
        LC_ALL="C.UTF-8",
        **{config.CACHE_LOG_ENV: str(scratch / "cache.log")},
        PYTHONHASHSEED="0",
        **dict.fromkeys(THREAD_VARIABLES, "1"),
    )
    return env


class ReportKernelManager(AsyncKernelManager):
    """A kernel on private IPC sockets, with the pinned environment and its own log file."""

    def __init__(self, scratch: Path, log: Path, **kwargs: object) -> None:
        """Kernel whose sockets, matplotlib config and IPython dir live in `scratch`."""
        super().__init__(
            kernel_name="python3",
            transport="ipc",
            ip=str(scratch / "k"),
            connection_file=str(scratch / "kernel.json"),
            **kwargs,
        )
        self._env = kernel_env(scratch)
        self._log = log
        self._scratch = scratch
        self.clients: list = []

    def client(self, **kwargs: object) -> object:
        """A client of this kernel, remembered so that `StartedKernel.stop` closes its sockets."""
        made = super().client(**kwargs)
        self.clients.append(made)
        return made

    async def start_kernel(self, **kwargs: object) -> None:
        """Start the kernel with the pinned environment; its own stdout/stderr go to the log."""
        with open(self._log, "ab") as log:
            kwargs.update(env=self._env, stdout=log, stderr=log)
            await super().start_kernel(**kwargs)
        pid = getattr(self.provisioner, "pid", None)
        if pid is not None:
            RUNNING[str(self._scratch)] = pid


RUNNING: dict[str, int] = {}


def _kill(scratch: str) -> None:
    """Kill the kernel started in `scratch` (if it still runs, reaping it) and remove the folder."""
    pid = RUNNING.pop(scratch, None)
    if pid is not None:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
    shutil.rmtree(scratch, ignore_errors=True)


def stop_running_kernels() -> None:
    """Kill every kernel this process started and remove its scratch folder (sockets, keys, logs)."""
    for scratch in list(RUNNING):
        _kill(scratch)


def notebook_imports(notebook: Path) -> tuple[str, ...]:
    """The modules a notebook's code cells import at top level (and the `from` names that may be
    submodules), in order; cells that do not parse are skipped (the kernel reports them)."""
    names: list[str] = []
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse("".join(cell.get("source", "")))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return tuple(dict.fromkeys(names))


def preload(names: list[str]) -> None:
    """Import what can be imported of `names` (run inside a starting kernel; a name that is not a
    module is skipped, a real import error is left for the notebook's own cell to show)."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the notebook's cell raises it where the reader sees it
            continue


def _preload_config(ipython_dir: Path, modules: tuple[str, ...]) -> None:
    """An IPython profile whose kernel imports `modules` while it starts (nothing is bound in the
    notebook's namespace: the imports only fill sys.modules)."""
    profile = ipython_dir / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    line = f"__import__({__name__!r}, fromlist=['preload']).preload({list(modules)!r})"
    (profile / "ipython_kernel_config.py").write_text(
        f"c.InteractiveShellApp.exec_lines = [{line!r}]\n", encoding="utf-8"
    )


class StartedKernel:
    """A report kernel started before its notebook is ready to run, importing the modules the
    notebook will need while the caller computes; `stop()` always kills it and removes its folder."""

    def __init__(self, cwd: Path, modules: tuple[str, ...] = ()) -> None:
        """Start the kernel now in `cwd`, importing `modules` beside the caller."""
        self.scratch = Path(tempfile.mkdtemp(prefix=f"dprk-{os.getpid()}-"))
        self.log = self.scratch / "kernel.log"
        self.manager = ReportKernelManager(self.scratch, self.log)
        if modules:
            _preload_config(self.scratch / "ipython", modules)
        try:
            run_sync(self.manager.start_kernel)(cwd=str(cwd))
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        """Kill the kernel (its work is done or abandoned), close its clients' sockets (papermill
        leaves them open on the event loop when it was handed the kernel, and a worker forked later
        would spin on them) and remove its scratch folder."""
        for client in self.manager.clients:
            client.stop_channels()
        self.manager.clients.clear()
        _kill(str(self.scratch))
