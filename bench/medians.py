"""The A/B benches' summary: reads lines `NAME SIDE RPS P50_MS` (file given as argument), prints for each measure
the median of each side and the ratio B/A."""
import statistics
import sys

rows = {}
for line in open(sys.argv[1]):
    name, side, rps, p50 = line.split()
    rows.setdefault(name, {}).setdefault(side, []).append((float(rps), float(p50)))
for name, sides in rows.items():
    a = statistics.median(r for r, _ in sides["A"]); b = statistics.median(r for r, _ in sides["B"])
    pa = statistics.median(p for _, p in sides["A"]); pb = statistics.median(p for _, p in sides["B"])
    print(f"RESULT {name}: A {a:.0f}/s p50 {pa:.2f} ms | B {b:.0f}/s p50 {pb:.2f} ms | B/A {b / a:.3f}")
