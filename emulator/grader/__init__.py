"""``ringvm grade``: grading suites for kernels — deterministic, parallel, ready for a
class. The suite format and its loader are in :mod:`.suite` (its docstring is the
format's reference); :mod:`.build` builds kernels and disks, :mod:`.runner` runs tests
each in its own process, :mod:`.report` writes the table, transcripts, Gradescope JSON
and JUnit XML, and :mod:`.pytest_plugin` collects suites as pytest tests.

Imports go down only (images, machine, engine); the grader never imports the debugger,
compare or the CLI.
"""
from .build import Builder, prepare_job
from .runner import check_transcript, grade, run_jobs, run_one
from .suite import (Boot, GradeRun, Suite, TestResult, TestSpec, load_suite,
                    select_tests)

__all__ = ["Boot", "TestSpec", "Suite", "TestResult", "GradeRun", "load_suite",
           "select_tests", "Builder", "prepare_job", "run_one", "run_jobs", "grade",
           "check_transcript"]
