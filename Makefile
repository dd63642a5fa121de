# `make install PREFIX=/usr/local` builds Relance in release and installs it with its resources, man pages and
# shell completions (scripts/install.sh says where each goes); `make uninstall PREFIX=...` removes them.
PREFIX ?= /usr/local

.PHONY: install uninstall test demo

install:
	PREFIX="$(PREFIX)" scripts/install.sh

uninstall:
	rm -rf "$(PREFIX)/lib/relance" "$(PREFIX)/bin/relance" "$(PREFIX)/share/bash-completion/completions/relance" \
	  "$(PREFIX)/share/zsh/site-functions/_relance" "$(PREFIX)/share/fish/vendor_completions.d/relance.fish"
	rm -f "$(PREFIX)"/share/man/man1/relance.1 "$(PREFIX)"/share/man/man1/relance.*.1

test:
	swift test

demo:
	swift run relance --demo
