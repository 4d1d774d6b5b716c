"""``ringvm compare``: the portable workload on every kernel structure (or the ones
named), with the ratio to the monolithic kernel and a cost profile's modelled cycles;
``--report NAME`` checks one paper's shape (:mod:`ringvm.emulator.compare`).

::

    ringvm compare [STRUCTURE ...] [--workload portable|quick] [--engine native|python]
                   [--cpus N] [--profile NAME|FILE] [--detail] [--json FILE]
                   [--csv FILE] [--plot FILE.svg|png]
    ringvm compare --report NAME [--engine ...] [--profile ...] [--json FILE] [--plot FILE]
    ringvm compare --list

Exit status: 0; 1 if a structure's run did not finish (its row says why); 2 for a bad
command line.
"""
from __future__ import annotations

import json

from ringvm.errors import UserError

WORKLOADS = ("portable", "quick")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "compare", help="run the portable workload on every kernel structure",
        description="Boot each kernel structure (on bare metal and under the hypervisors "
                    "that can host it), run the portable workload, and compare cycles "
                    "per operation per phase, raw and modelled with a cost profile.",
        epilog="exit status: 0; 1 a structure's run did not finish; 2 bad options")
    p.add_argument("structures", nargs="*", metavar="STRUCTURE",
                   help="guests to compare (a name matches its bare and hosted runs; "
                        "GUEST+OPTION a build option; GUEST@HOST one hosted run); "
                        "default: all")
    p.add_argument("--workload", default=None, metavar="NAME",
                   help="portable (the full workload; default on the native engine) or "
                        "quick (every N / 10; default on the Python engine)")
    p.add_argument("--engine", default="native", metavar="KIND",
                   help="native (default) or python")
    p.add_argument("--cpus", type=int, default=None, metavar="N",
                   help="CPUs of each machine (default: each guest's own)")
    p.add_argument("--profile", default=None, metavar="NAME|FILE",
                   help="cost profile: a bundled name (see --list) or a TOML file")
    p.add_argument("--report", metavar="NAME", help="check one paper's shape (see --list)")
    p.add_argument("--detail", action="store_true",
                   help="also print the events per operation that the profiles price")
    p.add_argument("--json", metavar="FILE", help="write every counter as JSON")
    p.add_argument("--csv", metavar="FILE", help="write every counter as CSV")
    p.add_argument("--plot", metavar="FILE", help="draw the figures (needs ringvm[plot])")
    p.add_argument("--list", action="store_true",
                   help="list the structures, reports and cost profiles, and exit")
    p.set_defaults(func=cmd_compare)


def cmd_compare(args) -> int:
    from rich.console import Console as RichConsole

    from ..compare import measure, select, targets
    from ..compare.output import print_report, print_tables, write_csv, write_json
    from ..compare.profiles import bundled_profiles, load_profile
    from ..compare.reports import Context, reports, run_report

    if args.engine not in ("native", "python"):
        raise UserError(f"--engine {args.engine!r}: choose native or python")
    workload = args.workload or ("portable" if args.engine == "native" else "quick")
    if workload not in WORKLOADS:
        raise UserError(f"--workload {workload!r}: choose {' or '.join(WORKLOADS)}")
    if args.cpus is not None and not 1 <= args.cpus <= 8:
        raise UserError("--cpus must be from 1 to 8")
    quick = workload == "quick"
    profile = load_profile(args.profile)
    out = RichConsole(highlight=False)
    if not out.is_terminal:
        out = RichConsole(highlight=False, width=120)      # a file or pipe: no wrapping
    if args.list:
        from ..images import list_guests
        out.print("structures: " + ", ".join(t.name for t in targets()))
        out.print("not compared (no \\[workload] in their guest.toml): " +
                  ", ".join(g.name for g in list_guests() if g.workload is None))
        out.print("reports: " + ", ".join(f"{n} ({r.paper})" for n, r in reports().items()))
        out.print("profiles: " + ", ".join(bundled_profiles()))
        return 0
    if args.report:
        if args.structures or args.csv:
            raise UserError("--report takes no STRUCTURE and no --csv")
        result = run_report(args.report, Context(args.engine, quick, profile))
        print_report(result, console=out)
        if args.json:
            _write_report_json(args.json, result)
        if args.plot:
            from ..compare.plot import draw_report
            draw_report(result, args.plot)
        return 0
    chosen = select(args.structures, targets())
    err = RichConsole(stderr=True, highlight=False)
    runs = []
    with err.status("") as status:
        for t in chosen:
            status.update(f"compare: {t.name} ({workload}, {args.engine} engine)")
            runs.append(measure(t, engine=args.engine, quick=quick, ncpus=args.cpus))
    print_tables(runs, profile, detail=args.detail, console=out)
    if args.json:
        write_json(args.json, runs, profile)
    if args.csv:
        write_csv(args.csv, runs, profile)
    if args.plot:
        from ..compare.plot import draw, workload_figure
        draw(workload_figure(runs, profile), args.plot)
    return 1 if any(r.error for r in runs) else 0


def _write_report_json(path, result) -> None:
    from dataclasses import asdict
    try:
        with open(path, "w") as f:
            json.dump(asdict(result), f, indent=1)
            f.write("\n")
    except OSError as e:
        raise UserError(f"cannot write {path}: {e.strerror}") from None

