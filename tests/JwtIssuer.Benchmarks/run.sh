#!/usr/bin/env bash
# Regenerates docs/performance.md: the minting micro-benchmarks (BenchmarkDotNet), then the HTTP load harness
# (wrk against the Release server and the baseline app), then the page. Linux only; needs wrk (apt-get install wrk)
# and two cores. About 30 minutes; keep the machine otherwise idle. JWTISSUER_BENCH_POSTGRES (an Npgsql connection
# string for a role that may create databases) adds a run with the audit trail in PostgreSQL. Environment overrides
# for a quick look: RUN_SECONDS (default 20), SOAK_SECONDS (default 300), CONNECTIONS (default 32), BDN_JOB (e.g. short).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

command -v wrk >/dev/null || { echo "error: wrk is not installed (sudo apt-get install wrk)" >&2; exit 1; }

out="$root/tests/JwtIssuer.Benchmarks/BenchmarkDotNet.Artifacts"
mkdir -p "$out"
bench="tests/JwtIssuer.Benchmarks/bin/Release/net10.0/JwtIssuer.Benchmarks.dll"

dotnet build -c Release src/JwtIssuer.Server
dotnet build -c Release tests/JwtIssuer.Benchmarks

(cd tests/JwtIssuer.Benchmarks && dotnet "$root/$bench" --filter '*' --exporters json --artifacts "$out" ${BDN_JOB:+--job "$BDN_JOB"})

# The harness itself (it reads the servers' log output) stays on wrk's core, off the server core.
taskset -c 0 dotnet "$bench" load src/JwtIssuer.Server/bin/Release/net10.0/jwt-issuer.dll \
  "${RUN_SECONDS:-20}" "${SOAK_SECONDS:-300}" "${CONNECTIONS:-32}" "$out/load.json"

dotnet "$bench" report "$out/results/JwtIssuer.Benchmarks.Minting.MintingBenchmarks-report-full-compressed.json" \
  "$out/load.json" docs/performance.md
echo "wrote docs/performance.md"
