#!/usr/bin/env bash
# Rewrites every generated artefact from the dlqcat binary's own command-line definition:
#   completions/dlqcat.bash, completions/_dlqcat, completions/dlqcat.fish  (dlqcat completions SHELL)
#   the OPTIONS section of man/dlqcat.1 and man/dlqcat-SUB.1               (dlqcat man-options [SUB])
# Usage: scripts/regenerate.sh [--check] [--completions|--man] [BINARY]
#   BINARY defaults to $BUILD_DIR/cmd/dlqcat (BUILD_DIR defaults to build).
#   --check writes nothing: it prints what is stale and exits 1 (the CTest checks use it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
check=false
parts=(completions man)
binary=""
for arg in "$@"; do
  case $arg in
    --check) check=true ;;
    --completions) parts=(completions) ;;
    --man) parts=(man) ;;
    -*) echo "regenerate.sh: unknown option $arg" >&2; exit 2 ;;
    *) binary=$arg ;;
  esac
done
binary=${binary:-${BUILD_DIR:-$root/build}/cmd/dlqcat}
if [ ! -x "$binary" ]; then
  echo "regenerate.sh: no dlqcat binary at $binary (build first, or pass its path)" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stale=0

# Puts $2 (a fresh file) in place of $1, or in --check mode reports the difference.
update() {
  local target=$1 fresh=$2
  if cmp -s "$target" "$fresh"; then
    return
  fi
  if $check; then
    echo "stale: ${target#"$root"/} differs from fresh output; run scripts/regenerate.sh" >&2
    diff -u "$target" "$fresh" >&2 || true
    stale=1
  else
    cp "$fresh" "$target"
    echo "regenerated ${target#"$root"/}"
  fi
}

# The page with the lines between the BEGIN/END GENERATED OPTIONS markers replaced by file $2.
splice_options() {
  local page=$1 options=$2
  if ! grep -q '^\.\\" BEGIN GENERATED OPTIONS$' "$page" || ! grep -q '^\.\\" END GENERATED OPTIONS$' "$page"; then
    echo "regenerate.sh: ${page#"$root"/} lacks the GENERATED OPTIONS markers" >&2
    exit 1
  fi
  awk -v options="$options" '
    /^\.\\" BEGIN GENERATED OPTIONS$/ { print; while ((getline line < options) > 0) print line; skip = 1; next }
    /^\.\\" END GENERATED OPTIONS$/ { skip = 0 }
    !skip { print }
  ' "$page"
}

for part in "${parts[@]}"; do
  case $part in
    completions)
      for shell in bash zsh fish; do
        case $shell in
          bash) target=$root/completions/dlqcat.bash ;;
          zsh) target=$root/completions/_dlqcat ;;
          fish) target=$root/completions/dlqcat.fish ;;
        esac
        "$binary" completions "$shell" >"$tmp/completion"
        update "$target" "$tmp/completion"
      done
      ;;
    man)
      for page in "$root"/man/dlqcat.1 "$root"/man/dlqcat-*.1; do
        [ -e "$page" ] || continue
        name=$(basename "$page" .1)
        sub=${name#dlqcat}
        sub=${sub#-}
        if [ -n "$sub" ]; then
          "$binary" man-options "$sub" >"$tmp/options"
        else
          "$binary" man-options >"$tmp/options"
        fi
        splice_options "$page" "$tmp/options" >"$tmp/page"
        update "$page" "$tmp/page"
      done
      ;;
  esac
done
exit $stale
