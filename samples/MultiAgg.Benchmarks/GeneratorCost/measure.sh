#!/usr/bin/env bash
# The generator's time in a command-line build of the 1,000-method project (issue 13, part 4):
# writes the project into a temporary directory, builds it RUNS times (default 3) with
#   dotnet build --no-incremental -p:ReportAnalyzer=true -v:d
# and prints the generator's line of each build's "Total generator execution time" table, then the median.
# WHICH (default multiagg) is the generator measured: multiagg; floor, samples/MultiAgg.GeneratorFloor, the least any
# generator implementing these methods must ask Roslyn for; or both, a build with each per run, in turns (the floor
# first in odd runs, second in even ones), so that both medians see the same machine (its speed drifts by a third over
# minutes on a shared host).
# Usage: samples/MultiAgg.Benchmarks/GeneratorCost/measure.sh [directory] [runs] [multiagg|floor|both]
# The machine should be otherwise idle (check `uptime`): the numbers are wall-clock times. Whether each build starts a
# fresh compiler process or uses the compiler server (UseSharedCompilation) changes them a lot: see the README.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
if [ -n "${1:-}" ]; then
    directory="$1"
else
    # A directory of our own is removed on exit; one the caller names is theirs to keep.
    directory="$(mktemp -d -t multiagg-generator-cost.XXXXXX)"
    trap 'rm -rf "$directory"' EXIT
fi
runs="${2:-3}"
which="${3:-multiagg}"
case "$which" in
    multiagg) generators=(multiagg) ;;
    floor) generators=(floor) ;;
    both) generators=(floor multiagg) ;;
    *) echo "unknown generator '$which': multiagg, floor or both" >&2; exit 2 ;;
esac

declare -A project=([multiagg]="$root/src/MultiAgg.Generators" [floor]="$root/samples/MultiAgg.GeneratorFloor")
for generator in "${generators[@]}"; do
    dotnet build "${project[$generator]}" -c Release >/dev/null
done
dotnet run -c Release --project "$root/samples/MultiAgg.Benchmarks" -- --generator-cost write "$directory" "$root" >/dev/null
echo "project: $directory ($(ls "$directory"/Aggregates*.cs | wc -l) files of [Aggregate] methods)"

declare -A dll=(
    [multiagg]="$root/src/MultiAgg.Generators/bin/Release/netstandard2.0/MultiAgg.Generators.dll"
    [floor]="$root/samples/MultiAgg.GeneratorFloor/bin/Release/netstandard2.0/MultiAgg.GeneratorFloor.dll")
declare -A class=([multiagg]=MultiAgg.Generators.AggregateGenerator [floor]=MultiAgg.GeneratorFloor.FloorGenerator)
declare -A times=([multiagg]="" [floor]="")

for run in $(seq 1 "$runs"); do
    order=("${generators[@]}")
    if (( run % 2 == 0 && ${#order[@]} == 2 )); then
        order=("${order[1]}" "${order[0]}")
    fi
    for generator in "${order[@]}"; do
        log="$directory/build-$generator-$run.log"
        dotnet build "$directory/GeneratorCost.csproj" --no-incremental -p:ReportAnalyzer=true -p:CostGenerator="${dll[$generator]}" -v:d \
            >"$log" 2>&1 || { tail -n 30 "$log"; exit 1; }
        # The per-generator table: "   <seconds>   <percent>      <generator class>".
        seconds="$({ grep -E "^\s+[0-9.]+\s+\S+\s+${class[$generator]//./\\.}\s*$" "$log" || true; } | awk '{ print $1 }' | tail -n 1)"
        [ -n "$seconds" ] || { echo "no ${class[$generator]} line in the generator table of $log" >&2; exit 1; }
        echo "run $run: ${class[$generator]} $seconds s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
        times[$generator]+="$seconds "
    done
done

for generator in "${generators[@]}"; do
    # shellcheck disable=SC2086 # one time per word
    printf '%s\n' ${times[$generator]} | sort -g | awk -v name="${class[$generator]}" \
        '{ a[NR] = $1 } END { printf "median %s: %.3f s\n", name, NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
done
