# `cmake --install` into a temporary prefix: the binary runs, the man pages render with man -l,
# the completions are where bash-completion, zsh and fish look. Environment: BUILD_DIR.
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
: "${BUILD_DIR:?BUILD_DIR must point at the build directory}"
prefix=$(mktemp -d -t dlqcat-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$BUILD_DIR" --prefix "$prefix" >/dev/null || fail "cmake --install failed"

version=$("$prefix/bin/dlqcat" --version) || fail "installed dlqcat --version exited $?"
[[ $version == "dlqcat "[0-9]* ]] || fail "installed dlqcat --version printed '$version'"

for sub in "" $(help_subcommands); do
  page=$prefix/share/man/man1/dlqcat${sub:+-$sub}.1
  [ -f "$page" ] || fail "not installed: ${page#"$prefix"/}"
done
rendered=$(MANPATH='' man -l "$prefix/share/man/man1/dlqcat-replay.1" 2>&1 | col -b) || fail "man -l dlqcat-replay.1 failed"
grep -qF -- "--max-attempts" <<<"$rendered" || fail "man -l dlqcat-replay.1 does not show --max-attempts: $rendered"
grep -qF -- "DLQCAT_BROKERS" <<<"$rendered" || fail "man -l dlqcat-replay.1 lacks its ENVIRONMENT section"

cmp -s "$prefix/share/bash-completion/completions/dlqcat" "$SOURCE_DIR/completions/dlqcat.bash" \
  || fail "bash completion not installed as share/bash-completion/completions/dlqcat"
cmp -s "$prefix/share/zsh/vendor-completions/_dlqcat" "$SOURCE_DIR/completions/_dlqcat" \
  || fail "zsh completion not installed as share/zsh/vendor-completions/_dlqcat"
cmp -s "$prefix/share/fish/vendor_completions.d/dlqcat.fish" "$SOURCE_DIR/completions/dlqcat.fish" \
  || fail "fish completion not installed as share/fish/vendor_completions.d/dlqcat.fish"
# The installed bash completion works from its installed place.
reply=$(bash -c 'source "$1"; COMP_WORDS=(dlqcat replay --max-a); COMP_CWORD=2; _dlqcat; echo "${COMPREPLY[*]}"' _ \
  "$prefix/share/bash-completion/completions/dlqcat")
[ "$reply" = "--max-attempts" ] || fail "installed bash completion offered '$reply' for --max-a"
finish
