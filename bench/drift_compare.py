#!/usr/bin/env python3
"""Compare fedz's drift detectors with river's on the same seeded streams.

Runs `fedz bench drift` (or reads its JSON with --input), feeds every stream's exact values
to river's PageHinkley, DDM and ADWIN, and prints one delay table per detector: fedz with its
defaults, river with fedz's settings (same algorithm, same parameters) and river with its own
defaults. Delay = changed values read up to the first drift signal (1 = the first changed
value); false alarms = drift signals before the change point (on stable streams: all).
The last line is the whole comparison as JSON.

    pip install river
    python3 bench/drift_compare.py --fedz .build/release/fedz --seeds 20
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

from river import drift
from river.drift import binary

MODES = {"decrease": "down", "increase": "up", "both": "both"}


def river_detectors(settings):
    """Factories of river detectors by fedz detector name: (label, factory) pairs."""
    ph, ddm, adwin = settings["page_hinkley"], settings["ddm"], settings["adwin"]
    return {
        "page-hinkley": [
            ("river, fedz settings", lambda: drift.PageHinkley(
                min_instances=ph["min_instances"], delta=ph["delta"], threshold=ph["threshold"],
                alpha=ph["alpha"], mode=MODES[ph["direction"]])),
            ("river defaults", lambda: drift.PageHinkley()),
        ],
        "ddm": [
            ("river, fedz settings", lambda: binary.DDM(
                warm_start=ddm["warm_start"], warning_threshold=ddm["warning_threshold"],
                drift_threshold=ddm["drift_threshold"])),
            ("river defaults", lambda: binary.DDM()),
        ],
        "adwin": [
            ("river defaults = fedz settings", lambda: drift.ADWIN(
                delta=adwin["delta"], clock=adwin["clock"], max_buckets=adwin["max_buckets"],
                min_window_length=adwin["min_window_length"], grace_period=adwin["grace_period"])),
        ],
    }


def outcome(detector, stream):
    """(false alarms, delay or None) of a fresh river detector on a stream."""
    change = stream.get("change_point")
    false_alarms = 0
    for index, value in enumerate(stream["values"]):
        detector.update(value)
        if detector.drift_detected:
            if change is None or index < change:
                false_alarms += 1
            else:
                return false_alarms, index - change + 1
    return false_alarms, None


def summary(runs):
    """Detected count, median and max delay, false alarms over (false alarms, delay) runs."""
    delays = [delay for _, delay in runs if delay is not None]
    return {
        "runs": len(runs),
        "detected": len(delays),
        "median_delay": statistics.median(delays) if delays else None,
        "max_delay": max(delays) if delays else None,
        "false_alarms": sum(alarms for alarms, _ in runs),
        "streams_with_false_alarms": sum(1 for alarms, _ in runs if alarms),
    }


def cell(s):
    delay = "-" if s["median_delay"] is None else f"{s['median_delay']:g} / {s['max_delay']}"
    same = f" ={s['same_outcome_as_fedz']}" if "same_outcome_as_fedz" in s else ""
    return f"{s['detected']:>3}/{s['runs']:<3} {delay:>13} {s['false_alarms']:>4} ({s['streams_with_false_alarms']}){same}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fedz", default=".build/release/fedz", help="the fedz executable")
    parser.add_argument("--seeds", type=int, default=20, help="seeds 1..N")
    parser.add_argument("--input", help="read this `fedz bench drift` JSON instead of running fedz")
    args = parser.parse_args()

    if args.input:
        with open(args.input) as file:
            report = json.load(file)
    else:
        with tempfile.NamedTemporaryFile(suffix=".json") as file:
            subprocess.run([args.fedz, "bench", "drift", "--seeds", str(args.seeds), "--out", file.name], check=True)
            report = json.load(open(file.name))

    streams = {(s["name"], s["seed"]): s for s in report["streams"]}
    ours = defaultdict(list)
    for o in report["outcomes"]:
        ours[(o["detector"], o["stream"])].append((o["false_alarms"], o.get("delay")))

    factories = river_detectors(report["settings"])
    results = []
    for (detector, stream_name), runs in ours.items():
        row = {"detector": detector, "stream": stream_name, "fedz": summary(runs)}
        for label, make in factories[detector]:
            river_runs = [outcome(make(), streams[(stream_name, o["seed"])])
                          for o in report["outcomes"] if o["detector"] == detector and o["stream"] == stream_name]
            row[label] = summary(river_runs)
            row[label]["same_outcome_as_fedz"] = sum(1 for a, b in zip(runs, river_runs) if a == b)
        results.append(row)

    print("settings:", json.dumps(report["settings"]))
    print("cells: detected/runs, median / max delay, false alarms (streams with any),"
          " =N: streams where river's outcome equals fedz's exactly")
    for detector in ("page-hinkley", "ddm", "adwin"):
        rows = [r for r in results if r["detector"] == detector]
        labels = [label for label, _ in factories[detector]]
        print(f"\n{detector}")
        print(f"  {'stream':<22}{'fedz':<36}" + "".join(f"{label:<36}" for label in labels))
        for r in rows:
            print(f"  {r['stream']:<22}{cell(r['fedz']):<36}" + "".join(f"{cell(r[label]):<36}" for label in labels))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
