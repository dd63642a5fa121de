#!/usr/bin/env bash
# Builds Relance and installs it like a Unix tool:
#   PREFIX/lib/relance/relance                              the program
#   PREFIX/lib/relance/Relance_RelanceResources.resources/  its policy, reason catalogue, templates (it reads them
#                                                           from beside the program: a binary without them stops
#                                                           at the first policy load)
#   PREFIX/bin/relance -> ../lib/relance/relance
#   PREFIX/share/man/man1/relance*.1                        man pages (swift-argument-parser's generate-manual)
#   PREFIX/share/{bash-completion,zsh,fish}/...             shell completions
#
# Usage: scripts/install.sh [--prefix DIR] [--bin-path DIR] [--no-man]
#   --prefix    where to install (default: $PREFIX or /usr/local)
#   --bin-path  install the products already built there instead of building in release (tests use it)
#   --no-man    skip the man pages (they need a release build of the plugin's own)
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${PREFIX:-/usr/local}"
bin_path=""
man=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --bin-path) bin_path="$2"; shift 2 ;;
    --no-man) man=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$bin_path" ]; then
  swift build -c release --product relance
  bin_path="$(swift build -c release --show-bin-path)"
fi
[ -x "$bin_path/relance" ] || { echo "install.sh: no relance in $bin_path" >&2; exit 1; }
[ -d "$bin_path/Relance_RelanceResources.resources" ] || { echo "install.sh: no resources bundle in $bin_path" >&2; exit 1; }

lib="$prefix/lib/relance"
install -d "$lib" "$prefix/bin" "$prefix/share/man/man1" \
  "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 0755 "$bin_path/relance" "$lib/relance.new" && mv -f "$lib/relance.new" "$lib/relance"
rm -rf "$lib/Relance_RelanceResources.resources.new"
cp -R "$bin_path/Relance_RelanceResources.resources" "$lib/Relance_RelanceResources.resources.new"
chmod -R a+rX "$lib/Relance_RelanceResources.resources.new"
rm -rf "$lib/Relance_RelanceResources.resources"
mv "$lib/Relance_RelanceResources.resources.new" "$lib/Relance_RelanceResources.resources"
ln -sfn ../lib/relance/relance "$prefix/bin/relance"

"$lib/relance" --generate-completion-script bash > "$prefix/share/bash-completion/completions/relance"
"$lib/relance" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_relance"
"$lib/relance" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/relance.fish"

if [ "$man" = 1 ]; then
  out="$(mktemp -d)"
  swift package plugin --allow-writing-to-directory "$out" generate-manual --multi-page --output-directory "$out" >/dev/null
  find "$out" \( -name 'relance.1' -o -name 'relance.*.1' \) -exec install -m 0644 {} "$prefix/share/man/man1/" \;
  rm -rf "$out"
fi

echo "Installed relance in $prefix (program and resources in $lib)."
"$prefix/bin/relance" --version
