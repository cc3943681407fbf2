#!/usr/bin/env bash
# Public API baselines of the packable projects (Microsoft.CodeAnalysis.PublicApiAnalyzers; docs/packages.md).
#
#   build/public-api.sh PROJECT...          update PROJECT's PublicAPI.Unshipped.txt from the build's diagnostics:
#                                           RS0016 (public API not in the baseline) -> the line is added;
#                                           RS0017 (baselined API that is gone)     -> removed from Unshipped, or, when
#                                           it was Shipped, recorded as "*REMOVED*<line>" (a breaking change: the
#                                           script says so and exits 3 unless --allow-breaking is given).
#   build/public-api.sh --ship PROJECT...   release step: move every Unshipped entry into PublicAPI.Shipped.txt
#                                           ("*REMOVED*" entries delete their Shipped line) and empty Unshipped.
#   build/public-api.sh --check PROJECT...  build and fail (exit 1) if the baseline is out of date; changes nothing.
#
# PROJECT is a project folder or .csproj (e.g. src/Dispatcher.Testing). Missing baseline files are created, so a new
# packable project is baselined with one call. The project is rebuilt (Release, --no-incremental) with warnings not
# treated as errors, so every RS0016/RS0017 is reported in one pass; then it is rebuilt normally to prove it is clean.
# Env: CONFIGURATION (default Release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=update
allow_breaking=0
projects=()
for arg in "$@"; do
  case "$arg" in
    --ship) mode=ship ;;
    --check) mode=check ;;
    --allow-breaking) allow_breaking=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "public-api.sh: unknown option $arg" >&2; exit 2 ;;
    *) projects+=("$arg") ;;
  esac
done
((${#projects[@]} > 0)) || { echo "usage: build/public-api.sh [--ship|--check] [--allow-breaking] PROJECT..." >&2; exit 2; }
configuration="${CONFIGURATION:-Release}"

csproj_of() {
  local p=$1
  if [[ -d "$p" ]]; then
    p=$(find "$p" -maxdepth 1 -name '*.csproj' | head -n1)
  fi
  [[ -f "$p" && "$p" == *.csproj ]] || { echo "public-api.sh: no project at $1" >&2; exit 2; }
  realpath "$p"
}

ensure_file() {
  [[ -f "$1" ]] || printf '#nullable enable\n' >"$1"
}

# Rewrites a baseline file: "#nullable enable" first, then the entries sorted (ordinal) without duplicates.
normalize() {
  local file=$1 body
  body=$(grep -v -x -e '#nullable enable' -e '' "$file" | LC_ALL=C sort -u || true)
  { echo '#nullable enable'; [[ -n "$body" ]] && printf '%s\n' "$body"; } >"$file"
}

# Prints "RS0016<TAB>line" / "RS0017<TAB>line" for the project's diagnostics (deduplicated).
diagnostics() {
  local csproj=$1 log
  log=$(mktemp)
  # || true: the build fails exactly when there is something to report, and other errors are shown below.
  nice -n 10 dotnet build "$csproj" -c "$configuration" --no-incremental --tl:off -nologo -clp:NoSummary \
    -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true
  if grep -E ': error [A-Z]+[0-9]+' "$log" | grep -v -E 'error RS001[67]' | grep -q .; then
    echo "public-api.sh: the build of $csproj has other errors:" >&2
    grep -E ': error ' "$log" | sort -u >&2
    rm -f "$log"
    exit 1
  fi
  grep -F "[$csproj]" "$log" | sed -n -E \
    -e "s/.*(RS0016): Symbol '(.*)' is not part of the declared public API.*/\1\t\2/p" \
    -e "s/.*(RS0017): Symbol '(.*)' is part of the declared API, but is either not public or could not be found.*/\1\t\2/p" \
    | LC_ALL=C sort -u
  rm -f "$log"
}

status=0
for project in "${projects[@]}"; do
  csproj=$(csproj_of "$project")
  dir=$(dirname "$csproj")
  shipped="$dir/PublicAPI.Shipped.txt"
  unshipped="$dir/PublicAPI.Unshipped.txt"

  if [[ "$mode" == ship ]]; then
    ensure_file "$shipped"; ensure_file "$unshipped"
    while IFS= read -r line; do
      [[ -z "$line" || "$line" == '#nullable enable' ]] && continue
      if [[ "$line" == '*REMOVED*'* ]]; then
        grep -v -x -F -e "${line#\*REMOVED\*}" "$shipped" >"$shipped.tmp" || true
        mv "$shipped.tmp" "$shipped"
      else
        echo "$line" >>"$shipped"
      fi
    done <"$unshipped"
    normalize "$shipped"
    printf '#nullable enable\n' >"$unshipped"
    echo "public-api.sh: $(basename "$csproj" .csproj): Unshipped moved into Shipped"
    continue
  fi

  if [[ "$mode" == check ]]; then
    found=$(diagnostics "$csproj")
    if [[ -n "$found" ]]; then
      echo "public-api.sh: $(basename "$csproj" .csproj) differs from its baseline:" >&2
      printf '%s\n' "$found" | sed 's/^/  /' >&2
      status=1
    else
      echo "public-api.sh: $(basename "$csproj" .csproj): baseline up to date"
    fi
    continue
  fi

  ensure_file "$shipped"; ensure_file "$unshipped"
  found=$(diagnostics "$csproj")
  added=0 removed=0 breaking=0
  while IFS=$'\t' read -r rule line; do
    [[ -z "${rule:-}" ]] && continue
    if [[ "$rule" == RS0016 ]]; then
      echo "$line" >>"$unshipped"; added=$((added + 1))
    elif grep -q -x -F -e "$line" "$unshipped"; then
      grep -v -x -F -e "$line" "$unshipped" >"$unshipped.tmp" || true
      mv "$unshipped.tmp" "$unshipped"; removed=$((removed + 1))
    else
      echo "public-api.sh: BREAKING: shipped API removed or changed: $line" >&2
      echo "*REMOVED*$line" >>"$unshipped"; breaking=$((breaking + 1))
    fi
  done <<<"$found"
  normalize "$unshipped"
  echo "public-api.sh: $(basename "$csproj" .csproj): $added added, $removed removed from Unshipped, $breaking shipped removed"

  # Prove the baseline now matches (a normal build: warnings are errors again).
  if ! nice -n 10 dotnet build "$csproj" -c "$configuration" --tl:off -nologo -v:q -clp:NoSummary >/dev/null 2>&1; then
    echo "public-api.sh: $(basename "$csproj" .csproj) still does not build; run: dotnet build $csproj -c $configuration" >&2
    status=1
  fi
  if ((breaking > 0 && allow_breaking == 0)); then
    echo "public-api.sh: $breaking breaking change(s) recorded; revert them, or pass --allow-breaking for a new major version" >&2
    status=3
  fi
done
exit "$status"
