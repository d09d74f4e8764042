#!/usr/bin/env bash
# The generator's time in a command-line build of the 1,000-method project (issue 13, part 4):
# writes the project into a temporary directory, builds it RUNS times (default 3) with
#   dotnet build --no-incremental -p:ReportAnalyzer=true -v:d
# and prints the AggregateGenerator line of each build's "Total generator execution time" table,
# then the median. Usage: samples/MultiAgg.Benchmarks/GeneratorCost/measure.sh [directory] [runs]
# The machine should be otherwise idle (check `uptime`): the numbers are wall-clock times. Whether each build starts a
# fresh compiler process or uses the compiler server (UseSharedCompilation) changes them a lot: see the README.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
directory="${1:-$(mktemp -d -t multiagg-generator-cost.XXXXXX)}"
runs="${2:-3}"

dotnet build "$root/src/MultiAgg.Generators" -c Release >/dev/null
dotnet run -c Release --project "$root/samples/MultiAgg.Benchmarks" -- --generator-cost write "$directory" "$root" >/dev/null
echo "project: $directory ($(ls "$directory"/Aggregates*.cs | wc -l) files of [Aggregate] methods)"

times=()
for run in $(seq 1 "$runs"); do
    log="$directory/build-$run.log"
    dotnet build "$directory/GeneratorCost.csproj" --no-incremental -p:ReportAnalyzer=true -v:d >"$log" 2>&1 \
        || { tail -n 30 "$log"; exit 1; }
    # The per-generator table: "   <seconds>   <percent>      MultiAgg.Generators.AggregateGenerator".
    seconds="$(grep -E '^\s+[0-9.]+\s+\S+\s+MultiAgg\.Generators\.AggregateGenerator\s*$' "$log" | awk '{ print $1 }' | tail -n 1)"
    echo "run $run: AggregateGenerator $seconds s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    times+=("$seconds")
done

printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { printf "median: %s s\n", a[int((NR + 1) / 2)] }'
