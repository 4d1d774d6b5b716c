"""Grading on a Dask distributed cluster (``ringvm grade ... --cluster ADDRESS|local``).

Dask (``pip install 'ringvm[cluster]'``) schedules the (student, test) jobs on its
workers; ringvm adds nothing to it but the task. A task carries everything a test
needs, so the workers need ringvm installed and nothing else — no shared file system,
no checkout of the suite:

- the job (the test's spec, the engine, the failure reason of a build error),
- the student's *artifacts*, sent to the cluster once per student and shared by their
  tests (``Client.scatter``): the kernel ELF, the disk images' bytes, and the user
  programs' ELFs with symbols (so the worker names user addresses exactly as a local
  run does).

On the worker, :func:`run_task` writes the disk images into a temporary folder (they
are booted in snapshot mode: never modified), runs the test with
:func:`~.runner.run_one` — the same code as the local process pool — and returns the
:class:`~.suite.TestResult`. Results are therefore identical to a local run (a test
compares them). Dependencies between tests are honoured here: a test is submitted
once the tests it depends on have passed; it is not run otherwise.

``cluster`` is ``"local"`` — an embedded ``LocalCluster`` with one single-threaded
worker process per job slot — or a scheduler address such as ``tcp://10.0.0.5:8786``
(an instructor starts ``dask scheduler`` on one machine and ``dask worker ADDRESS`` on
the others; README, "Grading a class").
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from ringvm.errors import UserError

from .runner import _crash_result, _key, grade, run_one

#: what to install when Dask is missing
INSTALL_HINT = "pip install 'ringvm[cluster]' (Dask distributed)"


def dask_available() -> bool:
    """Whether ``dask.distributed`` can be imported."""
    try:
        import distributed  # noqa: F401
        return True
    except ImportError:
        return False


def artifacts_of(job: dict) -> dict:
    """The bytes a job's test boots: ``elf``, ``disks`` (each image's bytes, in order)
    and ``programs`` (name -> ELF with symbols; {} when the test has no programs
    folder). Raises :class:`UserError` if an image cannot be read."""
    disks = []
    for p in job.get("disks") or []:
        try:
            disks.append(Path(p).read_bytes())
        except OSError as e:
            raise UserError(f"cannot read disk image {p}: {e.strerror}") from None
    programs = {}
    progs = job.get("programs")
    if progs and job.get("elf") is not None:
        from ..images.symbols import ProgramSource
        src = ProgramSource(Path(progs[0]), Path(progs[1]) if progs[1] else None)
        for name in src.names():
            from ..images.rootdisk import assemble_program
            try:
                programs[name] = assemble_program(src.directory / f"{name}.s", strip=False,
                                                  stubs=src.stubs)
            except Exception:   # noqa: BLE001 — as locally: a program with no symbols
                pass
    return {"elf": job.get("elf"), "disks": disks, "programs": programs}


def task_of(job: dict) -> dict:
    """The job as sent to a worker: no host paths (its bytes travel as artifacts)."""
    out = {k: v for k, v in job.items() if k not in ("elf", "disks", "programs")}
    out["has_disks"] = job.get("disks") is not None
    return out


def run_task(task: dict, artifacts: dict):
    """Run one test on a worker (see the module docstring); returns its TestResult."""
    job = dict(task)
    job["elf"] = artifacts["elf"]
    job["program_elves"] = artifacts["programs"]
    with tempfile.TemporaryDirectory(prefix="ringvm-task-") as tmp:
        paths = []
        for i, data in enumerate(artifacts["disks"]):
            p = Path(tmp) / f"disk{i}.img"
            p.write_bytes(data)
            paths.append(str(p))
        job["disks"] = paths if task.get("has_disks") else None
        try:
            return run_one(job)
        except Exception as e:   # noqa: BLE001 — report, as the process pool does
            return _crash_result(job["spec"], f"internal error: {type(e).__name__}: {e}")


def _client(cluster: str, workers: int):
    """``(Client, closer, description)`` for ``cluster``."""
    if not dask_available():
        raise UserError(f"--cluster needs Dask: {INSTALL_HINT}")
    from distributed import Client, LocalCluster
    if cluster == "local":
        lc = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None)
        client = Client(lc)

        def close():
            client.close()
            lc.close()
        return client, close, f"a local Dask cluster of {workers} workers"
    try:
        client = Client(cluster, timeout=30)
    except (OSError, TimeoutError, ValueError) as e:
        raise UserError(f"--cluster {cluster}: cannot reach the Dask scheduler: {e}") \
            from None
    return client, client.close, f"the Dask cluster at {cluster}"


def run_jobs_on_cluster(jobs: list[dict], cluster: str, depends: dict | None = None,
                        on_done=None, workers: int = 2) -> tuple[dict, str]:
    """Run ``jobs`` (from :func:`~.build.prepare_job`, each with a ``key``) on
    ``cluster``, honouring ``depends`` (key -> keys). Returns ``(key -> TestResult,
    where it ran)``; ``on_done(key, result)`` as each finishes. Raises
    :class:`UserError` when Dask is missing or the scheduler cannot be reached."""
    depends = depends or {}
    client, close, where = _client(cluster, workers)
    try:
        from distributed import as_completed
        shared: dict = {}               # student -> scattered artifacts
        by_key = {_key(j): j for j in jobs}
        results: dict = {}
        pending = list(jobs)
        futures = as_completed()
        owner = {}

        def finish(key, res):
            results[key] = res
            if on_done:
                on_done(key, res)

        def submit_ready():
            for job in list(pending):
                key = _key(job)
                deps = depends.get(key, [])
                failed = [d for d in deps if d in results and not results[d].passed]
                if failed:
                    pending.remove(job)
                    names = [d.rsplit("/", 1)[-1] for d in failed]
                    r = _crash_result(job["spec"], f"not run: depends on {', '.join(names)}, "
                                                   f"which did not pass")
                    r.status = "not_run"
                    finish(key, r)
                    continue
                if any(d not in results for d in deps):
                    continue
                pending.remove(job)
                if job.get("error"):
                    finish(key, run_one(job))
                    continue
                who = job.get("student", "")
                akey = (who, id(job["elf"]), tuple(job.get("disks") or ()))
                if akey not in shared:
                    # one future for the whole dict (scattering a dict would name its
                    # futures by the dict's keys, the same for every student)
                    shared[akey] = client.scatter([artifacts_of(job)], hash=False)[0]
                f = client.submit(run_task, task_of(job), shared[akey], key=f"ringvm-{key}-"
                                  f"{id(job)}", pure=False)
                owner[f.key] = key
                futures.add(f)

        while pending or futures.count():
            before = len(results)
            submit_ready()
            if len(results) != before:
                continue                # not-run results may unblock more jobs
            if not futures.count():
                for job in pending:     # waiting on dependencies that never finish
                    finish(_key(job), _crash_result(job["spec"], "not run: dependencies"))
                break
            f = next(futures)
            key = owner.pop(f.key)
            try:
                res = f.result()
            except Exception as e:   # noqa: BLE001 — a lost worker fails its test only
                res = _crash_result(by_key[key]["spec"],
                                    f"the cluster could not run the test: "
                                    f"{type(e).__name__}: {e}")
            finish(key, res)
        return results, where
    finally:
        close()


def grade_on_cluster(suite, cluster: str, jobs: int = 2, only=None, on_done=None):
    """:func:`~.runner.grade` with every test run on ``cluster`` (``jobs``: workers of a
    ``"local"`` cluster). Returns the GradeRun."""
    def execute(job_list, depends, done):
        results, _where = run_jobs_on_cluster(
            job_list, cluster, depends, (lambda _k, r: done(r)) if done else None,
            workers=max(1, jobs))
        return results
    return grade(suite, jobs=jobs, only=only, on_done=on_done, execute=execute)

