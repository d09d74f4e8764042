#!/usr/bin/env bash
# The package as a user gets it. Packs MultiAgg at the repository root (`dotnet pack -c Release`) into a local
# folder feed, checks that this makes exactly one package and what it holds, then restores the consumers in this
# folder from that feed (a nuget.config naming it beside the machine's own sources) and checks that the generator,
# the analyzer and the code fixes work from the package:
#   Net10Console        net10.0: builds warning-free, runs, prints expected-output.txt (its results equal LINQ's)
#   Net8Console         net8.0 (the SDK fetches the targeting pack): builds warning-free, runs with roll-forward
#   Net9Roslyn414Console net9.0 compiled by Roslyn 4.14 (Microsoft.Net.Compilers.Toolset 4.14.0, the compiler of the
#                       .NET 9.0.300 SDK, the oldest the package supports): builds warning-free, runs, prints the same
#   NetStandardLibrary  netstandard2.0 with <LangVersion>9</LangVersion>: builds warning-free
#                       ...and without it (C# 7.3): exactly one MAGG110 for the project, else only CS8370/CS8795
#   NetStandardAsyncLibrary netstandard2.0, C# 9, with Microsoft.Bcl.AsyncInterfaces: the async forms build warning-free
#   ExtensionBlock      Net10Console with an [Aggregate] method in a C# 14 extension block: one MAGG100 at its name,
#                       else only the compiler's CS0751/CS8795
#   Net472Library       .NET Framework 4.7.2 (reference assemblies package): builds warning-free
#   FormatConsumer      MAGG001 from the package's analyzer; `dotnet format analyzers` applies its code fix (no
#                       workspace warnings); the fixed program builds warning-free and prints the same in one pass
# Usage: bash tests/package/run.sh (from anywhere). Leaves nothing behind but what `dotnet pack` builds.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tests/package

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDTERMINALLOGGER=off

fail() { echo "package check failed: $*" >&2; exit 1; }

# A package version no earlier run used, so the global packages folder can never hand a consumer a stale MultiAgg.
# Only the package's version changes: the assemblies keep Directory.Build.props's, so the build stays up to date.
prefix=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' Directory.Build.props)
version="$prefix-local.$(date -u +%Y%m%d%H%M%S).$$"
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
scratch=$(mktemp -d)
feed="$scratch/feed"
cleanup() { rm -rf "$scratch" "${packages%/}/multiagg/$version"; }
trap cleanup EXIT

# ---- The package -------------------------------------------------------------------------------------------
echo "== dotnet pack -c Release at the repository root, version $version"
dotnet pack -c Release -warnaserror -p:PackageVersion="$version"

# Where the README says it goes; then moved into the consumers' feed (a folder of this run's packages only).
made=$(cd artifacts/package && ls -- *."$version".nupkg 2>/dev/null || true)
[ "$made" = "MultiAgg.$version.nupkg" ] || fail "expected exactly one package, artifacts/package/MultiAgg.$version.nupkg; got: $made"
mkdir -p "$feed"
mv "artifacts/package/$made" "$feed/"
nupkg="$feed/MultiAgg.$version.nupkg"

list() {
  if command -v unzip >/dev/null; then unzip -Z1 "$1"
  else python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; fi
}
entry() {
  if command -v unzip >/dev/null; then unzip -p "$1" "$2"
  else python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "$1" "$2"; fi
}
files=$(list "$nupkg" | grep -vE '^(\[Content_Types\]\.xml|_rels/\.rels|package/services/metadata/core-properties/[^/]+\.psmdcp)$' | sort)
expected_files=$(printf '%s\n' MultiAgg.nuspec README.md \
  analyzers/dotnet/cs/MultiAgg.CodeFixes.dll analyzers/dotnet/cs/MultiAgg.Generators.dll \
  lib/netstandard2.0/MultiAgg.dll lib/netstandard2.0/MultiAgg.xml | sort)
[ "$files" = "$expected_files" ] || fail "the package holds:"$'\n'"$files"$'\n'"expected:"$'\n'"$expected_files"
nuspec=$(entry "$nupkg" MultiAgg.nuspec)
for want in "<id>MultiAgg</id>" "<version>$version</version>" '<license type="expression">MIT</license>' \
  "<readme>README.md</readme>" "<description>" "<tags>" '<repository type="git" url="https://'; do
  grep -qF "$want" <<<"$nuspec" || fail "the nuspec has no $want"
done
if grep -q "<dependency " <<<"$nuspec"; then fail "the package has dependencies:"$'\n'"$nuspec"; fi
# nuget.org shows the README alone: its links to the repository's files must be absolute.
[ "$(entry "$nupkg" README.md | grep -cP '\]\((?!https?:|#|mailto:)')" -eq 0 ] || fail "the package's README links to files by relative paths"
# The analyzers load in every host, Visual Studio's .NET Framework process included, only as netstandard2.0.
for dll in analyzers/dotnet/cs/MultiAgg.Generators.dll analyzers/dotnet/cs/MultiAgg.CodeFixes.dll lib/netstandard2.0/MultiAgg.dll; do
  [ "$(entry "$nupkg" "$dll" | grep -ac '\.NETStandard,Version=v2\.0')" -gt 0 ] || fail "$dll does not target netstandard2.0"
done
# Symbols travel inside the one package: each assembly embeds its portable PDB (whose blob starts with "MPDB").
for dll in lib/netstandard2.0/MultiAgg.dll analyzers/dotnet/cs/MultiAgg.Generators.dll analyzers/dotnet/cs/MultiAgg.CodeFixes.dll; do
  # grep -c reads to the end: grep -q would stop at the first match and, under pipefail, fail the pipeline with
  # the SIGPIPE it leaves the writer of a large file.
  [ "$(entry "$nupkg" "$dll" | grep -ac MPDB)" -gt 0 ] || fail "$dll has no embedded PDB"
done
# Deterministic: packing the same build again gives the same bytes.
dotnet pack src/MultiAgg/MultiAgg.csproj -c Release --no-build -p:PackageVersion="$version" -p:PackageOutputPath="$scratch/again/" >/dev/null
cmp -s "$nupkg" "$scratch/again/MultiAgg.$version.nupkg" || fail "packing twice gave different packages"
echo "package: MultiAgg.$version.nupkg, deterministic, embedded PDBs, no dependencies:"
list "$nupkg" | sed 's/^/  /'

# ---- The consumers, in a scratch folder of their own ---------------------------------------------------------
work="$scratch/consumers"
cp -r "$here" "$work"
find "$work" \( -name bin -o -name obj \) -prune -exec rm -rf {} +
cat > "$work/MultiAgg.Version.props" <<EOF
<Project>
  <PropertyGroup>
    <MultiAggVersion>$version</MultiAggVersion>
  </PropertyGroup>
</Project>
EOF
cat > "$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <!-- The folder MultiAgg was packed into, beside the machine's own sources. -->
    <add key="multiagg-local" value="$feed" />
  </packageSources>
</configuration>
EOF
build() { dotnet build "$work/$1/$1.csproj" -c Release -warnaserror -nologo -v:q; }

# Builds a consumer that must fail: with exactly one distinct line matching $2, and no diagnostic but the errors in
# $3 (an alternation of IDs) beside it. Leaves the build's output in $log and that line in $found.
build_failing() {
  local project=$1 expected=$2 allowed=$3 status others
  set +e
  # The console repeats each error (twice without the summary too); an errors-only file log has each diagnostic
  # once, so a generator that reported the same error twice shows it twice there.
  log=$(dotnet build "$work/$project/$project.csproj" -c Release -nologo -flp:"errorsonly;logfile=$work/$project.errors.log" 2>&1)
  status=$?
  set -e
  [ "$status" -ne 0 ] || fail "$project built"
  found=$(grep -E "$expected" "$work/$project.errors.log" || true)
  [ "$(grep -c . <<<"$found")" -eq 1 ] || fail "$project: expected exactly one line matching $expected, got:"$'\n'"$found"
  others=$(grep -oE '(error|warning) [A-Z]+[0-9]+' <<<"$log" | sort -u | grep -vxE "error ($allowed)" || true)
  [ -z "$others" ] || fail "$project reports more than $allowed:"$'\n'"$others"
}

echo "== Net10Console (net10.0)"
build Net10Console
out=$(dotnet "$work/Net10Console/bin/Release/net10.0/Net10Console.dll")
echo "$out"
[ "$out" = "$(cat "$here/Net10Console/expected-output.txt")" ] || fail "Net10Console printed something else than $here/Net10Console/expected-output.txt"

echo "== Net8Console (net8.0, run with DOTNET_ROLL_FORWARD=Major where no .NET 8 runtime is installed)"
build Net8Console
out=$(DOTNET_ROLL_FORWARD=Major dotnet "$work/Net8Console/bin/Release/net8.0/Net8Console.dll")
[ "$out" = "$(cat "$here/Net10Console/expected-output.txt")" ] || fail "Net8Console printed:"$'\n'"$out"
echo "Net8Console printed the same"

echo "== Net9Roslyn414Console (net9.0, compiled by Roslyn 4.14, the .NET 9.0.300 SDK's compiler, run with roll-forward)"
log=$(dotnet build "$work/Net9Roslyn414Console/Net9Roslyn414Console.csproj" -c Release -warnaserror -nologo -v:n 2>&1) \
  || { echo "$log" | tail -n 30; fail "Net9Roslyn414Console did not build"; }
# Only its compiler proves anything: make sure the build ran the toolset package's and not the SDK's.
grep -qE 'microsoft\.net\.compilers\.toolset/4\.14\.0/tasks/netcore/bincore/csc\.dll' <<<"$log" \
  || fail "Net9Roslyn414Console was not compiled by Roslyn 4.14 from Microsoft.Net.Compilers.Toolset:"$'\n'"$(grep -E 'csc' <<<"$log" | head -n 5)"
out=$(DOTNET_ROLL_FORWARD=Major dotnet "$work/Net9Roslyn414Console/bin/Release/net9.0/Net9Roslyn414Console.dll")
[ "$out" = "$(cat "$here/Net10Console/expected-output.txt")" ] || fail "Net9Roslyn414Console printed:"$'\n'"$out"
echo "Net9Roslyn414Console, compiled by Roslyn 4.14, printed the same"

echo "== NetStandardLibrary (netstandard2.0, C# 9)"
build NetStandardLibrary

echo "== NetStandardAsyncLibrary (netstandard2.0, C# 9, IAsyncEnumerable<T> from Microsoft.Bcl.AsyncInterfaces)"
build NetStandardAsyncLibrary

echo "== NetStandardLibrary without <LangVersion> (C# 7.3): one MAGG110 for the project"
cp -r "$work/NetStandardLibrary" "$work/CSharp73Library"
mv "$work/CSharp73Library/NetStandardLibrary.csproj" "$work/CSharp73Library/CSharp73Library.csproj"
sed -i '/LangVersion/d' "$work/CSharp73Library/CSharp73Library.csproj"
build_failing CSharp73Library 'error MAGG110' 'MAGG110|CS8370|CS8795'
grep -qF 'set <LangVersion>9</LangVersion>' <<<"$found" || fail "MAGG110 does not say to set <LangVersion>9</LangVersion>"
echo "$found" | sed "s:$work/::"
echo "and the compiler's own: $(grep -E 'error CS[0-9]+' <<<"$log" | sort -u | grep -oE 'error CS[0-9]+' | sort | uniq -c | awk '{ printf "%s x%d ", $3, $1 }')"

echo "== Net10Console with an [Aggregate] method in a C# 14 extension block: MAGG100 there, beside the compiler's own"
# The test projects compile with a Roslyn that predates extension blocks: this is where the SDK's parses one.
cp -r "$work/Net10Console" "$work/ExtensionBlock"
mv "$work/ExtensionBlock/Net10Console.csproj" "$work/ExtensionBlock/ExtensionBlock.csproj"
cat > "$work/ExtensionBlock/Extension.cs" <<'CS'
using System.Collections.Generic;
using MultiAgg;
using static MultiAgg.Agg;

public static partial class Totals
{
    extension(IEnumerable<int> values)
    {
        [Aggregate(Sum)]
        public partial int Total();
    }
}
CS
build_failing ExtensionBlock 'Extension\.cs\(10,28\): error MAGG100: .*extension block' 'MAGG100|CS0751|CS8795'
echo "$found" | sed "s:$work/::"

echo "== Net472Library (.NET Framework 4.7.2, compile only)"
build Net472Library

echo "== FormatConsumer: dotnet format applies the package's MAGG001 code fix"
format_project="$work/FormatConsumer/FormatConsumer.csproj"
program="$work/FormatConsumer/Program.cs"
log=$(dotnet build "$format_project" -c Release -nologo 2>&1) || { echo "$log"; fail "FormatConsumer did not build"; }
warnings=$({ grep -oE 'Program.cs\([0-9,]+\): warning MAGG001' <<<"$log" || true; } | sort -u | wc -l)
[ "$warnings" -gt 0 ] || fail "the package's analyzer reported no MAGG001 in FormatConsumer"
before=$(dotnet "$work/FormatConsumer/bin/Release/net10.0/FormatConsumer.dll")
log=$(dotnet format analyzers "$format_project" --diagnostics MAGG001 --severity warn --no-restore 2>&1) \
  || { echo "$log"; fail "dotnet format failed"; }
echo "$log"
if grep -qiE 'Warnings were encountered while loading the workspace|CS8032' <<<"$log"; then
  fail "dotnet format did not load the workspace or the package's analyzers cleanly"
fi
grep -qE '^ *\[Aggregate\(' "$program" || fail "dotnet format wrote no [Aggregate] method:"$'\n'"$(cat "$program")"
build FormatConsumer
after=$(dotnet "$work/FormatConsumer/bin/Release/net10.0/FormatConsumer.dll")
[ "$(head -n 1 <<<"$before")" = "$(head -n 1 <<<"$after")" ] || fail "the fixed program prints other results: $before / $after"
[ "$(tail -n 1 <<<"$after")" = "sensor passes: 1" ] || fail "the fixed program still enumerates more than once: $after"
echo "$warnings MAGG001 before; after dotnet format:"
grep -B1 -A1 -E '^ *\[Aggregate\(' "$program"
echo "before: $(tr '\n' ' ' <<<"$before")"
echo "after:  $(tr '\n' ' ' <<<"$after")"

echo "package checks: 1 package, 7 consumers built, 4 ran (one compiled by Roslyn 4.14, one by dotnet format), 1 MAGG110 at C# 7.3, 1 MAGG100 in an extension block, dotnet format fixed MAGG001"
