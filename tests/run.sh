#!/usr/bin/env bash
# Runs every test of the solution on a fresh Debian machine with the .NET 10 SDK: installs the real Prometheus tools
# the conformance tests drive (when missing), restores, builds and tests, then prints one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests run for real (see ../shared/TOOLS.md in the team's notes and README.md here).
packages=(prometheus prometheus-pushgateway prometheus-node-exporter python3-prometheus-client docker-compose systemd chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Prometheus 3 for the UTF-8 names conformance spec: Debian sid's package, unpacked beside Debian's 2.x (which other
# specs scrape with) rather than installed over it. A private apt state, so that the machine's sources stay as they are.
prometheus3=/opt/aggregator-tools/prometheus3
if [ ! -x "$prometheus3/usr/bin/prometheus" ]; then
  echo "Unpacking Debian sid's prometheus (3.x) into $prometheus3"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  apt_state=$(mktemp -d)
  mkdir -p "$apt_state/lists/partial" "$apt_state/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" >"$apt_state/sources.list"
  apt_options=(-o Dir::Etc::SourceList="$apt_state/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists="$apt_state/lists" -o Dir::Cache="$apt_state/cache" -o APT::Sandbox::User=root)
  apt-get "${apt_options[@]}" update -qq
  (cd "$apt_state" && apt-get "${apt_options[@]}" download -qq prometheus/sid)
  $sudo mkdir -p "$prometheus3"
  $sudo dpkg-deb -x "$apt_state"/prometheus_*.deb "$prometheus3"
  rm -rf "$apt_state"
  "$prometheus3/usr/bin/prometheus" --version | head -n 1
fi

dotnet restore Aggregator.sln
dotnet build Aggregator.sln -c Release --no-restore

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
# One test project at a time (-m:1): several specs measure how fast a scrape answers, and two cores shared by every
# project's processes at once would measure the machine's load instead.
dotnet test Aggregator.sln -c Release --no-build -m:1 --logger "trx" --results-directory "$results" "$@" || status=$?

# The benchmarks only run once each, in-process, so that they keep building and working; nothing is timed here.
dotnet tests/Aggregator.Benchmarks/bin/Release/net10.0/Aggregator.Benchmarks.dll --smoke >"$results/benchmark-smoke.log" || {
  cat "$results/benchmark-smoke.log"; echo "benchmark smoke run failed"; status=1; }
tail -n 1 "$results/benchmark-smoke.log"

# One closing line over every test project, from the TRX files each project wrote.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
