#!/usr/bin/env bash
# Packs every packable project of Dispatcher.sln (those with <IsPackable>true</IsPackable>: Dispatcher.Contracts,
# Dispatcher.Domain, Dispatcher.Client, Dispatcher.Testing, …) into artifacts/packages/: one .nupkg and one .snupkg
# each, versioned from the git tags by MinVer (docs/packages.md). The same set as
# `dotnet pack Dispatcher.sln -c Release -o artifacts/packages`, built with ContinuousIntegrationBuild=true (normalised
# source paths, so the same commit packs byte-identical assemblies anywhere), then checked:
#   every .nupkg has its README.md, its XML docs and a .snupkg beside it; Dispatcher.Contracts depends on no package.
# Extra arguments go to `dotnet pack` (e.g. -p:DispatcherRepositoryUrl=https://github.com/org/dispatcher).
# Env: DISPATCHER_PACKAGES overrides the output folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="${DISPATCHER_PACKAGES:-artifacts/packages}"
rm -rf "$out"
mkdir -p "$out"
nice -n 10 dotnet pack Dispatcher.sln -c Release -o "$out" --tl:off -nologo -p:ContinuousIntegrationBuild=true "$@"

# Lists a zip's entries (python3's zipfile: unzip is not on every machine).
entries() { python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; }
nuspec() { python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read([n for n in z.namelist() if n.endswith(".nuspec")][0]).decode("utf-8-sig"))' "$1"; }

shopt -s nullglob
packages=("$out"/*.nupkg)
((${#packages[@]} > 0)) || { echo "pack.sh: no package was produced" >&2; exit 1; }
failed=0
for package in "${packages[@]}"; do
  file=$(basename "$package" .nupkg)
  id=$(nuspec "$package" | sed -n -E 's:.*<id>(.*)</id>.*:\1:p')
  list=$(entries "$package")
  problems=()
  grep -qx 'README.md' <<<"$list" || problems+=("no README.md")
  grep -qx "lib/net10.0/$id.dll" <<<"$list" || problems+=("no lib/net10.0/$id.dll")
  grep -qx "lib/net10.0/$id.xml" <<<"$list" || problems+=("no XML docs")
  [[ -f "$out/$file.snupkg" ]] || problems+=("no symbols package")
  if [[ "$id" == Dispatcher.Contracts ]] && nuspec "$package" | grep -q '<dependency '; then
    problems+=("Dispatcher.Contracts must depend on no package")
  fi
  if ((${#problems[@]} > 0)); then
    echo "pack.sh: $file: ${problems[*]}" >&2
    failed=1
  else
    echo "pack.sh: $file: README, XML docs, symbols ok"
  fi
done
exit "$failed"
