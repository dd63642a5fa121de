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
#
# The program is installed setgid to a dedicated group, relance-store, that nobody is a member of (docs/TEAM.md):
# only the program (and root) can then write a store, so nobody forges its record. The group is created when
# missing; the install is refused when the group has members. --no-setgid installs it plain, for the
# group-writable layout (which trusts the group).
#
# Usage: scripts/install.sh [--prefix DIR] [--bin-path DIR] [--no-man] [--group NAME | --no-setgid]
#   --prefix    where to install (default: $PREFIX or /usr/local)
#   --bin-path  install the products already built there instead of building in release (tests use it)
#   --no-man    skip the man pages (they need a release build of the plugin's own)
#   --group     the store group the program is setgid to (default: relance-store)
#   --no-setgid install the program without the setgid bit (the group-writable layout)
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${PREFIX:-/usr/local}"
bin_path=""
man=1
group="relance-store"
setgid=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --bin-path) bin_path="$2"; shift 2 ;;
    --no-man) man=0; shift ;;
    --group) group="$2"; shift 2 ;;
    --no-setgid) setgid=0; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ "$setgid" = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "install.sh: installing setgid to $group needs root (or --no-setgid for the group-writable layout)" >&2; exit 1; }
  if ! getent group "$group" >/dev/null; then
    groupadd --system "$group"
    echo "Created the group $group (nobody is to be a member: only the program runs with it)."
  fi
  gid="$(getent group "$group" | cut -d: -f3)"
  members="$(getent group "$group" | cut -d: -f4)"
  primary="$(getent passwd | awk -F: -v g="$gid" '$4 == g { print $1 }' | paste -sd, -)"
  if [ -n "$members" ] || [ -n "$primary" ]; then
    echo "install.sh: the group $group has members (${members}${members:+${primary:+,}}${primary}): whoever is in it can write the stores by hand." >&2
    echo "  Take them out (gpasswd -d LOGIN $group), or install with --no-setgid for the group-writable layout." >&2
    exit 1
  fi
fi

if [ -z "$bin_path" ]; then
  swift build -c release --product relance
  bin_path="$(swift build -c release --show-bin-path)"
fi
[ -x "$bin_path/relance" ] || { echo "install.sh: no relance in $bin_path" >&2; exit 1; }
[ -d "$bin_path/Relance_RelanceResources.resources" ] || { echo "install.sh: no resources bundle in $bin_path" >&2; exit 1; }

lib="$prefix/lib/relance"
install -d "$lib" "$prefix/bin" "$prefix/share/man/man1" \
  "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
if [ "$setgid" = 1 ]; then
  # chmod after chgrp: changing the group clears the setgid bit.
  install -o root -g "$group" -m 2755 "$bin_path/relance" "$lib/relance.new" && chmod 2755 "$lib/relance.new"
  mv -f "$lib/relance.new" "$lib/relance"
else
  install -m 0755 "$bin_path/relance" "$lib/relance.new" && mv -f "$lib/relance.new" "$lib/relance"
fi
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

if [ "$setgid" = 1 ]; then
  echo "Installed relance in $prefix (program and resources in $lib), setgid to $group."
  echo "Make each store directory as root first: install -d -o root -g $group -m 2770 DIR"
else
  echo "Installed relance in $prefix (program and resources in $lib), without setgid (the group-writable layout)."
fi
"$prefix/bin/relance" --version
