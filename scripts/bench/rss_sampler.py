#!/usr/bin/env python3
"""Samples a process's resident memory (VmRSS, and VmHWM for the peak between samples) every
--interval seconds until it exits, --duration passes, or SIGTERM/SIGINT. Writes the series to
--csv (t_s,rss_mib,hwm_mib) and prints one JSON summary: samples, min/median/p95/max of VmRSS in MiB,
the final VmHWM (the true peak, sampled or not) and the seconds the series covers.

    scripts/bench/rss_sampler.py --pid PID [--interval 0.5] [--csv FILE] [--duration S] [--json FILE]
"""
import argparse, json, signal, sys, time


def read_status(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024.0  # kB -> MiB
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return values if "VmRSS" in values else None


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def summarize(series, last_hwm):
    rss = sorted(sample[1] for sample in series)
    r = lambda v: None if v is None else round(v, 1)
    return {
        "samples": len(series),
        "seconds": round(series[-1][0], 1) if series else 0.0,
        "rss_mib": {"min": r(rss[0] if rss else None), "median": r(percentile(rss, 0.5)),
                    "p95": r(percentile(rss, 0.95)), "max": r(rss[-1] if rss else None)},
        "peak_hwm_mib": r(last_hwm),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--csv", help="write the series here (t_s,rss_mib,hwm_mib)")
    parser.add_argument("--json", help="write the summary here as well as to stdout")
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    args = parser.parse_args()

    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    series, last_hwm = [], None
    out = open(args.csv, "w") if args.csv else None
    if out:
        out.write("t_s,rss_mib,hwm_mib\n")
    start = time.monotonic()
    while not stopping:
        values = read_status(args.pid)
        if values is None:
            break
        t = time.monotonic() - start
        last_hwm = values.get("VmHWM", last_hwm)
        series.append((t, values["VmRSS"]))
        if out:
            out.write(f"{t:.2f},{values['VmRSS']:.1f},{values.get('VmHWM', 0):.1f}\n")
            out.flush()
        if args.duration is not None and t >= args.duration:
            break
        time.sleep(args.interval)
    if out:
        out.close()
    summary = summarize(series, last_hwm)
    text = json.dumps(summary)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    return 0 if series else 1


if __name__ == "__main__":
    sys.exit(main())
